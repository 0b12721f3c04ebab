// The package's API as a host page's script would use it, checked by `npm run typecheck`
// (tsconfig.package.json, checkJs) against index.d.ts; never run. A mistake in the declarations
// or in index.js's JSDoc fails the type check here or there.
import { AutoML, AutoMLError, rowsToCsv } from "../../index.js";

/** @param {File} file @param {AbortSignal} signal */
export async function use(file, signal) {
  const automl = await AutoML.load({ workers: 2, language: "ko" });
  /** @type {string} */
  const version = automl.version;
  const inspection = await automl.inspect(file, { sheet: "Sheet1", encoding: "euc-kr" });
  /** @type {string|null} */
  const encoding = inspection.encoding;
  const target = inspection.columns[inspection.defaultTarget].name;
  /** @type {number} */
  let trials = 0;
  const result = await automl.fit(file, {
    target,
    task: "classification",
    metric: "balanced_accuracy",
    timeBudget: 10,
    maxTrials: 20,
    seed: 7,
    folds: 3,
    columnTypes: { zip: "categorical" },
    exclude: ["id"],
    ensemble: false,
    encoding: "utf-8",
    onProgress: (event) => {
      if (event.kind === "trial") trials = event.trialsDone;
      else if (event.phase === "refit") trials += 0;
    },
    signal,
  });
  /** @type {number} */
  const score = result.best.row.mean;
  /** @type {string} */
  const family = result.leaderboard[0].family;
  if (result.stopped) {
    /** @type {null} */
    const none = result.model;
    return { version, score, family, none, trials };
  }
  /** @type {Uint8Array} */
  const model = result.model;
  const accuracy = result.diagnostics && result.diagnostics.classification ? result.diagnostics.classification.report.accuracy : 0;
  const predictions = await automl.predict(model, [{ sepal_length: 5.1, species: null, seen: new Date() }]);
  /** @type {string|number} */
  const first = predictions[0].prediction;
  /** @type {string|null} */
  const csv = predictions.csv;
  const fromFile = await automl.predict(new Blob([model.slice()]), new Uint8Array([1, 2]), { fileName: "new.csv" });
  const why = await automl.explain(model, { sepal_length: 5.1 });
  const info = await automl.modelInfo(model.slice().buffer);
  const forecast = await automl.forecast("date,y\n2020-01-01,1\n", { target: "y", date: "date", horizon: 3, maxTrials: 2, signal });
  const catalogue = await automl.describe();
  const words = await automl.render(inspection.notes[0]);
  // the calls the tool's own page makes too
  const check = await automl.checkTarget(file, { target, task: "classification", exclude: ["id"] });
  /** @type {number} */
  const classCount = check.classCounts[0].count;
  const paced = automl.fit(file, { target, maxTrials: 5, pace: "step", families: ["random_forest"], onTraining: (event) => event.network.train.length });
  automl.nextTrial();
  automl.endSearch();
  const ended = await paced;
  const finished = await automl.finish(file, ended, { target, maxTrials: 5, trial: ended.leaderboard[0].trial, onProgress: (event) => event.phase });
  /** @type {"finished"|"stopped"|"chosen"} */
  const ending = finished.ending;
  const stoppedSoFar = await automl.finish(file, { stopped: true, leaderboard: ended.leaderboard, elapsedS: 1 }, { target });
  const anyInfo = await automl.modelInfo(finished.model);
  /** @type {string} */
  const what = anyInfo.kind === "forecast" ? anyInfo.dateColumn : anyInfo.best.label;
  const series = await automl.forecastInfo(file, { target: "y", date: "date", fileName: "s.csv" });
  /** @type {number} */
  const steps = series.defaultHorizon;
  /** @type {Uint8Array|null} */
  const forecastModel = forecast.model;
  const again = forecastModel ? await automl.forecastWithModel(forecastModel, file, { encoding: "utf-8" }) : forecast;
  /** @type {string|null} */
  const scored = predictions.target;
  const fileScore = predictions.score ? predictions.score.value : null;
  const parsed = await automl.inspect(file, { onProgress: (event) => event.fraction });
  await automl.setLanguage("en");
  const ready = await automl.start();
  const lazy = new AutoML({ workers: 1 });
  lazy.onWorkerLost = (error) => void error.fatal;
  const started = await lazy.start();
  /** @type {Uint8Array} */
  const bytes = rowsToCsv([{ a: 1, b: "x,y" }]);
  automl.close();
  return {
    encoding, accuracy, first, csv, fromFile: fromFile.length, why: why.contributions[0].effect, info: info.kind === "tabular" ? info.target : "",
    forecast: forecast.forecast[0].lo95, limits: catalogue.limits.maxTrials.max, words, bytes, trials,
    classCount, ending, stopped: stoppedSoFar.stopped, what, steps, again: again.csv, scored, fileScore, parsed: parsed.nRows, ready: ready.version,
    started: started.version, cells: why.cells.length,
  };
}

/** @param {unknown} err */
export function describe(err) {
  if (err instanceof AutoMLError) {
    /** @type {string} */
    const text = `${err.code}: ${err.message} ${err.hint} ${err.fatal} ${JSON.stringify(err.params)}`;
    return err.name === "AbortError" ? "" : text;
  }
  return String(err);
}
