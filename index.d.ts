// automl-wasm: the types of the whole API (index.js, which re-exports www/automl.js: the API the
// tool's own page is built on). The result shapes are the engine's, as www/protocol-types.js defines
// them for the worker protocol; `npm run typecheck` checks www/automl.js (which returns the
// protocol's values) against these declarations, and a usage file (tests/package/usage.js)
// against them with checkJs.

// ---- messages --------------------------------------------------------------------------------

/** Languages of the catalogues (www/i18n/<lang>.json). */
export type Language = "en" | "ko";

/**
 * Something the engine says to a person: a stable code (the key of its words in
 * www/i18n/<lang>.json) and named parameters. `AutoML.render()` puts one in words.
 */
export interface Message {
  code: string;
  params: { [name: string]: MessageParam };
}

/** A parameter: a number, a text, a list of names (`more` not shown), or a nested message. */
export type MessageParam = number | string | { items: string[]; more: number } | Message;

/**
 * Every error of the package: the engine's structured error, or a wrong argument. `message` and
 * `hint` are rendered from the catalogue of the instance's language. `name` is "AbortError"
 * when a call was stopped before it had any result (its signal, another call's, `close()`),
 * "EngineCrashed" or "OutOfMemory" when the workers were lost to a crash or to memory (`fatal`),
 * else "AutoMLError".
 */
export class AutoMLError extends Error {
  constructor(info: { name?: string; code?: string; params?: { [name: string]: any }; message?: string; hint?: string; fatal?: boolean });
  name: string;
  /** The message's code, e.g. "data.empty_file", "predict.missing_columns", "run.stopped". */
  code: string;
  params: { [name: string]: any };
  /** What to do about it, or "". */
  hint: string;
  /** The workers were lost (a crash, memory ran out); the next call starts fresh ones. */
  fatal: boolean;
}

// ---- inputs ----------------------------------------------------------------------------------

/** One row of a table as an object: column name -> value (null/undefined: missing). */
export type RowObject = { [column: string]: string | number | boolean | Date | null | undefined };

/**
 * Data: the bytes of a CSV, TSV or workbook file (.xlsx, .xlsm, .xls, .ods), a File or Blob,
 * the text of a CSV file, or rows as objects (written as CSV, quoted where needed).
 */
export type Data = ArrayBuffer | ArrayBufferView | Blob | string | readonly RowObject[];

/** A model file (`FitResult.model`, or a file the page's "Download model" saved). */
export type ModelBytes = Uint8Array | ArrayBuffer | ArrayBufferView | Blob;

export type Kind = "numeric" | "boolean" | "categorical" | "datetime" | "text" | "identifier" | "constant";
export type Task = "classification" | "regression";
export type MetricName = "accuracy" | "balanced_accuracy" | "f1_macro" | "roc_auc" | "log_loss" | "r2" | "rmse" | "mae";

export interface AutoMLOptions {
  /** Workers in the pool: 1 to 8; by default one per logical core, at most 8. */
  workers?: number;
  /** The language of error messages and `render()`: "en" (default) or "ko". */
  language?: Language;
}

/** An encoding a text file can be read with (by default the engine detects it). */
export type TextEncodingName = "utf-8" | "utf-16" | "euc-kr" | "windows-1252";

export interface FileOptions {
  /** The file's name, whose extension tells a workbook; a File's own name by default. */
  fileName?: string;
  /** A workbook's sheet (by default the first). */
  sheet?: string;
}

export interface ReadOptions extends FileOptions {
  /** A text file's encoding, instead of the detected one. */
  encoding?: TextEncodingName;
}

/** Reading a file: the share read so far. */
export interface ParseProgress { kind: "parse"; fraction: number }

export interface InspectOptions extends ReadOptions {
  /** The share of the file read so far, while a large file is read. */
  onProgress?: (event: ParseProgress) => void;
}

/** What a target check needs: the target and the choices a search would use. */
export interface TargetOptions extends ReadOptions {
  /** The column to predict. */
  target: string;
  /** By default the one the target suggests. */
  task?: Task;
  /** Column kinds to use instead of the detected ones. */
  columnTypes?: { [column: string]: Kind };
  /** Columns to leave out. */
  exclude?: readonly string[];
}

/**
 * The pace of a search (the classroom modes): "normal" runs trials back to back; "step" runs
 * one trial, then waits for `nextTrial()` or `endSearch()` (the time it waits is not counted);
 * "slow" lets each trial take at least a second (counted in the budget).
 */
export type Pace = "normal" | "step" | "slow";

export interface FitOptions extends ReadOptions {
  /** The column to predict. */
  target: string;
  /** By default the one the target suggests (labels: classification; numbers: regression). */
  task?: Task;
  /** The metric that ranks models; by default accuracy or R². */
  metric?: MetricName;
  /** Seconds for the whole run, final refit included. By default 10, or none with `maxTrials`. */
  timeBudget?: number | null;
  /** A trial budget. Alone (no `timeBudget`), with a seed: the same leaderboard on any machine. */
  maxTrials?: number;
  /** Seed of every random step (default 42). */
  seed?: number;
  /** Cross-validation folds, 2 to 10 (default 5). */
  folds?: number;
  /** Column kinds to use instead of the detected ones. */
  columnTypes?: { [column: string]: Kind };
  /** Columns to leave out. */
  exclude?: readonly string[];
  /** Whether to try an ensemble of the best models (default true). */
  ensemble?: boolean;
  /** The model families to search (`Catalogue.families` names; by default all); the constant baseline always runs. */
  families?: readonly string[];
  /** The pace of the search (default "normal"). */
  pace?: Pace;
  /** Each finished trial and each phase. */
  onProgress?: (event: Progress) => void;
  /** The neural network being trained, after an epoch of its first split (at most 4 times a second). */
  onTraining?: (event: TrainingProgress) => void;
  /** Stops the run at once; the promise resolves with the trials so far (see StoppedFit). */
  signal?: AbortSignal;
}

/** A fit's result, or the part of one that `finish()` needs. */
export type FitSoFar = Pick<FitResult, "stopped" | "leaderboard" | "elapsedS">;

/** The fit's own options (the same data, target and settings), and which row to finish with. */
export interface FinishOptions extends Omit<FitOptions, "pace" | "onProgress" | "onTraining" | "signal"> {
  /** The leaderboard row's trial; by default the best (the first row). */
  trial?: number;
  /** The refit and explain phases. */
  onProgress?: (event: PhaseProgress) => void;
  /** Stops at once and rejects with an AbortError. */
  signal?: AbortSignal;
}

export interface PredictOptions extends FileOptions {}

/** The series a date column and a numeric target make (one series: `id` picks it). */
export interface SeriesOptions extends ReadOptions {
  target: string;
  /** The date or time column. */
  date: string;
  /** A series id column (one series at a time). */
  id?: string;
}

export interface ForecastOptions extends SeriesOptions {
  /** Steps to forecast; by default the frequency's own. */
  horizon?: number;
  timeBudget?: number | null;
  maxTrials?: number;
  seed?: number;
  onProgress?: (event: ForecastProgress) => void;
  /** Stops at once and rejects with an AbortError. */
  signal?: AbortSignal;
}

// ---- results ---------------------------------------------------------------------------------

export interface LabelCount { label: string; count: number }

export interface ColumnInfo {
  name: string;
  kind: Kind;
  missing: number;
  missingShare: number;
  distinct: number;
  suggestedTask: Task;
  /** Ask the person (a few whole numbers), or null. */
  taskQuestion: Message | null;
  format: string | null;
  histogram: LabelCount[];
}

export interface Inspection {
  fileName: string;
  nRows: number;
  nCols: number;
  columns: ColumnInfo[];
  /** The first rows, raw cell text. */
  preview: string[][];
  defaultTarget: number;
  notes: Message[];
  warnings: Message[];
  duplicateRows: number;
  sheets: string[];
  sheet: string | null;
  /** The encoding a text file was read with (null for a workbook). */
  encoding: TextEncodingName | null;
}

/** A target before a search: its class counts, missing values and warnings. */
export interface TargetCheck {
  target: string;
  task: Task;
  classCounts: LabelCount[];
  missing: number;
  /** Likely leakage, heavy class imbalance. */
  warnings: Message[];
}

/** A neural network's layers and its learning curve (mean losses per epoch; `best`: the epoch kept, from 0). */
export interface NetworkTrace {
  layers: number[];
  inputs: number;
  members: number;
  parameters: number;
  train: number[];
  valid: number[];
  best: number;
}

/** A leaderboard row: one trial (or the ensemble, whose `params.members` lists its members). */
export interface LeaderboardRow {
  rank: number;
  trial: number;
  family: string;
  label: string;
  params: { [name: string]: any };
  metric: string;
  higherIsBetter: boolean;
  /** The metric's value as people read it (RMSE, not −RMSE). */
  mean: number;
  std: number;
  foldScores: number[];
  fitTimeS: number;
  sampleRows: number | null;
  /** The configuration itself (what `finish()` refits). */
  config?: { family: string; [name: string]: any };
  /** The metric on (at most 2,000 of) the rows the trial's models were fitted on; null for the ensemble. */
  trainScore?: number | null;
  /** Set when the training score is far better than the cross-validated one. */
  overfit?: Message | null;
  /** A neural network's layers and learning curve (its first split). */
  network?: NetworkTrace;
}

export interface TrialProgress {
  kind: "trial";
  elapsedS: number;
  budgetS: number;
  timeLeftS: number;
  trialsDone: number;
  row: LeaderboardRow;
  bestSoFar: number;
  /** What the search decided since the previous event ("event.*" messages), in order. */
  events: Message[];
}

export interface PhaseProgress {
  kind: "phase";
  phase: "search" | "ensemble" | "refit" | "explain";
  elapsedS: number;
  budgetS: number;
  timeLeftS: number;
  /** What the search decided since the previous event (why it ended, the ensemble). */
  events: Message[];
}

/** The network being trained (FitOptions.onTraining): its trial and its learning curve so far. */
export interface TrainingProgress {
  kind: "training";
  trial: number;
  network: NetworkTrace;
}

export type Progress = TrialProgress | PhaseProgress;

export interface OutOfFold {
  rows: number[];
  actual: (string | number)[];
  predicted: (string | number)[];
  probabilities: number[][] | null;
}

export interface Importance {
  method: string;
  heldOut: string;
  repeats: number;
  features: { column: string; mean: number; std: number }[];
}

export interface PartialDependence {
  column: string;
  kind: "numeric" | "categorical";
  points: { x: number | string; y: number[] }[];
}

export interface ClassRow { label: string; precision: number; recall: number; f1: number; support: number }

export interface ClassReport {
  matrix: number[][];
  shares: number[][];
  classes: ClassRow[];
  macro: { precision: number; recall: number; f1: number };
  accuracy: number;
  total: number;
}

export interface SweepPoint {
  threshold: number | null;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  tpr: number;
  fpr: number;
  precision: number;
  report: ClassReport;
}

export interface CalibrationBin { lo: number; hi: number; meanPredicted: number; observed: number; count: number }

export interface BinaryView {
  negative: string;
  positive: string;
  negatives: number;
  positives: number;
  rocAuc: number | null;
  averagePrecision: number | null;
  baseline: number;
  points: SweepPoint[];
  thresholds: number;
  defaultPoint: number;
  calibration: CalibrationBin[];
}

export interface ClassificationView {
  classes: string[];
  report: ClassReport;
  binary: BinaryView | null;
}

export interface RegressionPoint { row: number; actual: number; predicted: number; residual: number }
export interface HistogramBin { lo: number; hi: number; count: number }

export interface RegressionView {
  rows: number;
  r2: number;
  rmse: number;
  mae: number;
  points: RegressionPoint[];
  residualHistogram: HistogramBin[];
}

/** What the winner learned, from out-of-fold predictions (README, "Results"). */
export interface Diagnostics {
  outOfFold: OutOfFold;
  classification: ClassificationView | null;
  regression: RegressionView | null;
  importance: Importance;
  partialDependence: PartialDependence[];
  seconds: number;
  notes: Message[];
}

/** How a search ended: its own winner, the best so far after a stop, or a row chosen (finish()). */
export type Ending = "finished" | "stopped" | "chosen";

/** "Why this model": the winner against the best model of another family, and the simplest row within the spread. */
export interface Why {
  winner: number;
  runnerUp: number | null;
  difference: number | null;
  spread: number | null;
  clear: boolean;
  simplest: number | null;
  /** The paragraph, as messages. */
  messages: Message[];
}

/** A search that ran to its end: the winner refitted on all rows, its model file, diagnostics. */
export interface CompletedFit {
  stopped: false;
  target: string;
  task: Task;
  metric: string;
  nRows: number;
  /** Model inputs after encoding. */
  nFeatures: number;
  /** Input columns the model reads. */
  nColumns: number;
  ending: Ending;
  why: Why | null;
  folds: number;
  elapsedS: number;
  budgetS: number;
  /** Class labels; empty for regression. */
  classes: string[];
  /** Best first. */
  leaderboard: LeaderboardRow[];
  best: { row: LeaderboardRow; refitTimeS: number };
  notes: Message[];
  validation: string;
  diagnostics: Diagnostics | null;
  /** The model file's bytes (empty if it could not be made, with a note in `notes`). */
  model: Uint8Array;
}

/** A search stopped by its signal: the trials so far, best first; no refit, no model. */
export interface StoppedFit {
  stopped: true;
  target: string;
  task: Task;
  metric: string;
  elapsedS: number;
  budgetS: number;
  leaderboard: LeaderboardRow[];
  best: { row: LeaderboardRow; refitTimeS: null };
  diagnostics: null;
  model: null;
  notes: Message[];
}

export type FitResult = CompletedFit | StoppedFit;

/** One row's prediction; probabilities in class order (classification). */
export interface PredictionRow {
  prediction: string | number;
  probabilities?: number[];
  /** The row's cells of the model's input columns, as in the data (in `columns` order). */
  inputs?: string[];
  /** The target's cell, when the data has the target column. */
  actual?: string;
  /** Why this prediction says little (no usable input value). */
  note?: Message;
}

/** The model's score on data that holds the target. */
export interface FileScore { metric: MetricName; value: number; rows: number; skipped: number }

/** One entry per data row, in order, with what the engine said about the file. */
export type PredictionList = PredictionRow[] & {
  /** The model's input columns. */
  columns: string[];
  classes: string[];
  /** Category levels the model never saw, per column. */
  unseen: { column: string; count: number }[];
  /** Columns ignored, unseen levels, unreadable values. */
  notes: Message[];
  /** The target column, when the data has it (each row's `actual`). */
  target: string | null;
  /** The model's score on the data, when it has the target. */
  score: FileScore | null;
  /** For a file: the CSV `automl predict --out` writes (row, prediction, probability_<class>); null for row objects. */
  csv: string | null;
};

export interface RowExplanation {
  prediction: string | number;
  probabilities: number[] | null;
  base: number[];
  /** Largest first; base + the sum of effects = the explained output. */
  contributions: { column: string; value: string; effect: number[] }[];
  output: "probability" | "log-odds" | "value";
  method: string;
  methodCode: "treeshap" | "sampling";
  family: string;
  samples: number;
  background: number;
  /** How each input cell was read, in the model's column order. */
  cells: CellCheck[];
  /** Where `base` comes from: the trees' mean output, or the mean prediction over background rows. */
  baseFrom: "tree" | "background";
  backgroundRows: number;
}

/** How the model reads one cell: a value, a missing value, text it cannot read (missing), or a level it never saw. */
export interface CellCheck { column: string; state: "value" | "missing" | "unreadable" | "unknown_level"; note?: Message }

/** What a table's model file holds. */
export interface ModelInfo {
  kind: "tabular";
  target: string;
  task: Task;
  metric: string;
  classes: string[];
  /** Its input columns: how numbers are written, the category levels it knows. */
  columns: { name: string; kind: Kind; numberFormat?: string; levels?: string[] }[];
  createdWith: string;
  formatVersion: number;
  best: LeaderboardRow;
  /** How its search ended (absent in older files: finished). */
  ending?: Ending;
  settings: {
    target: string;
    task: Task;
    timeBudgetS: number | null;
    seed: number;
    folds: number;
    metric?: MetricName;
    sheet?: string;
    maxTrials?: number;
    columnTypes?: { [column: string]: Kind };
    exclude?: string[];
  };
  validation: string;
}

export interface Scores { mase: number; smape: number; mae: number; rmse: number }

export interface ForecastRow { rank: number; trial: number; label: string; model: object; scores: Scores; timeS: number }

export interface ForecastProgress { kind: "forecastTrial"; row: ForecastRow }

/** The series of a date column and a target. */
export interface SeriesInfo {
  frequency: "hourly" | "daily" | "weekly" | "monthly" | "quarterly" | "yearly";
  defaultHorizon: number;
  n: number;
  periods: number[];
  futureRows: number;
  notes: Message[];
}

/** What a forecast model file holds. */
export interface ForecastModelInfo {
  kind: "forecast";
  formatVersion: number;
  createdWith: string;
  target: string;
  dateColumn: string;
  frequency: string;
  horizon: number;
  periods: number[];
  covariates: string[];
  bestLabel: string;
  members: { label: string; model: object; weight: number }[];
  bestScores: Scores;
  maseLag: number;
  widths80: number[];
  widths95: number[];
  intervalCoverage: [number, number];
  historyLength: number;
  historyEnd: string;
  run: { seed: number; timeBudgetS: number | null; maxTrials: number | null; trials: number; origins: number; backtestHorizon: number };
}

/** A model file of either kind. */
export type AnyModelInfo = ModelInfo | ForecastModelInfo;

export interface ForecastResult {
  target: string;
  dateColumn: string;
  frequency: string;
  periods: number[];
  n: number;
  horizon: number;
  origins: number;
  backtestHorizon: number;
  leaderboard: ForecastRow[];
  best: { label: string; model: object; weight: number }[];
  bestLabel: string;
  bestScores: Scores;
  historyTimes: string[];
  history: number[];
  forecast: { time: string; value: number; lo80: number; hi80: number; lo95: number; hi95: number }[];
  backtests: { times: string[]; forecast: number[]; actual: number[]; scores: Scores }[];
  intervals: string;
  intervalCoverage: [number, number];
  notes: Message[];
  trials: number;
  elapsedS: number;
  seed: number;
  /** The lag of the naive rule whose in-sample error scales MASE (the main season; 1 without one). */
  maseLag: number;
  /** Known covariates the models used. */
  covariates: string[];
  /** The CSV `automl fit --date ... --out` writes (`automl predict MODEL DATA --out` for forecastWithModel). */
  csv: string;
  /** forecast(): the forecast model file (`automl fit --date ... --model-out`); forecastWithModel(): null. */
  model: Uint8Array | null;
}

export interface Range { min: number; max: number }

/** The engine's defaults, limits and names (what the page's menus list). */
export interface Catalogue {
  version: string;
  defaults: {
    search: {
      target: null;
      task: null;
      timeBudgetS: number | null;
      maxTrials: number | null;
      seed: number;
      folds: number;
      metric: MetricName | null;
      ensemble: boolean;
      columnTypes: { [column: string]: Kind };
      exclude: string[];
    };
    forecast: {
      horizon: number | null;
      timeBudgetS: number | null;
      maxTrials: number | null;
      seed: number;
      origins: number;
      ensemble: boolean;
    };
  };
  limits: {
    fileBytes: number;
    columns: number;
    fieldBytes: number;
    modelBytes: number;
    classes: number;
    folds: Range;
    timeBudgetS: { above: number; max: number };
    seed: Range;
    horizon: Range;
    maxTrials: Range;
    /** The overfitting rule: a training score more than this above the cross-validated one flags a trial. */
    overfitGap: number;
    /** For error metrics: a training error below this share of the cross-validated one flags a trial. */
    overfitRatio: number;
    /** The most training rows a trial's training score uses. */
    trainScoreRows: number;
  };
  kinds: { name: Kind; label: string; description: string; used: boolean }[];
  tasks: { name: Task; label: string; description: string; defaultMetric: MetricName; metrics: MetricName[] }[];
  metrics: { name: MetricName; label: string; description: string; higherIsBetter: boolean; task: Task }[];
  families: { name: string; label: string; tasks: Task[] }[];
}

// ---- the engine ------------------------------------------------------------------------------

/** The engine being ready. */
export interface Ready {
  /** The engine's version. */
  version: string;
}

/**
 * The engine: the wasm compiled once, a pool of workers. Calls are sent at once and may run side
 * by side (the lead worker answers them in order); `fit` and `finish` run one at a time. Aborting
 * a signal terminates the workers at once: calls in flight beside it reject with an AbortError.
 */
export class AutoML {
  /** An engine whose workers start with its first call (or `start()`). */
  constructor(options?: AutoMLOptions);
  /** Compiles the wasm, starts the worker pool, loads the catalogue of `language`. */
  static load(options?: AutoMLOptions): Promise<AutoML>;
  /** The language of error messages and `render()`. */
  readonly language: Language;
  /** The engine's version ("" until the workers have started). */
  readonly version: string;
  /** Workers in the pool. */
  readonly workers: number;
  /** Told when the workers are lost (a crash, memory ran out, they could not load); the next call starts fresh ones. */
  onWorkerLost: ((error: AutoMLError) => void) | null;
  /** Starts the workers if they are not running (any call does); resolves when the engine is ready. */
  start(): Promise<Ready>;
  /** The language of error messages and `render()` from now on. */
  setLanguage(language: Language): Promise<void>;
  /** What a file holds: columns and their kinds, a preview, notes and warnings. */
  inspect(data: Data, options?: InspectOptions): Promise<Inspection>;
  /** A target's class counts and warnings (leakage, class imbalance), before a search. */
  checkTarget(data: Data, options: TargetOptions): Promise<TargetCheck>;
  /** Searches models for `options.target`; see FitOptions.signal for stopping. */
  fit(data: Data, options: FitOptions): Promise<FitResult>;
  /** In a step-paced fit: run one more trial. */
  nextTrial(): void;
  /** In a step-paced fit: end the search there (the ensemble and the refit follow). */
  endSearch(): void;
  /** Finishes a fit with one row of its leaderboard (a stopped fit's best by default): refitted, explained, its model file. */
  finish(data: Data, from: FitSoFar, options: FinishOptions): Promise<CompletedFit>;
  /** Predicts every row: one entry per row, in order. */
  predict(model: ModelBytes, data: Data, options?: PredictOptions): Promise<PredictionList>;
  /** How each column moved one row's prediction. */
  explain(model: ModelBytes, row: RowObject): Promise<RowExplanation>;
  /** What a model file holds (a table's or a series'); rejects for a foreign or damaged file. */
  modelInfo(model: ModelBytes): Promise<AnyModelInfo>;
  /** The series of a date column and a target: frequency, length, seasonal periods, default horizon. */
  forecastInfo(data: Data, options: SeriesOptions): Promise<SeriesInfo>;
  /** Backtests forecasting models on a series and forecasts it, with the forecast model file. */
  forecast(data: Data, options: ForecastOptions): Promise<ForecastResult>;
  /** Forecasts the series in `data` from its end with a forecast model file (no search). */
  forecastWithModel(model: ModelBytes, data: Data, options?: ReadOptions): Promise<ForecastResult>;
  /** The engine's defaults, limits, column kinds, tasks, metrics and families. */
  describe(): Promise<Catalogue>;
  /** A note, warning or error `{ code, params }` in words, with its hint. */
  render(message: Message): Promise<string>;
  /** Terminates the workers; a later call starts fresh ones. */
  close(): void;
}

/** Rows as the bytes of a CSV file (the header: every key in the order first met; quoted where needed). */
export function rowsToCsv(rows: readonly RowObject[]): Uint8Array;
