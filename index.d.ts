// automl-wasm: the types of the whole API (index.js). The result shapes are the engine's, as
// www/protocol.js defines them for the worker protocol; `npm run typecheck` checks index.js
// (which returns the protocol's values) against these declarations, and a usage file
// (tests/package/usage.js) against them with checkJs.

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
 * when a signal stopped a call before it had any result.
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
  /** Each finished trial and each phase. */
  onProgress?: (event: Progress) => void;
  /** Stops the run at once; the promise resolves with the trials so far (see StoppedFit). */
  signal?: AbortSignal;
}

export interface PredictOptions extends FileOptions {}

export interface ForecastOptions extends ReadOptions {
  target: string;
  /** The date or time column. */
  date: string;
  /** A series id column (one series at a time). */
  id?: string;
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
}

export interface TrialProgress {
  kind: "trial";
  elapsedS: number;
  budgetS: number;
  timeLeftS: number;
  trialsDone: number;
  row: LeaderboardRow;
  bestSoFar: number;
}

export interface PhaseProgress {
  kind: "phase";
  phase: "search" | "ensemble" | "refit" | "explain";
  elapsedS: number;
  budgetS: number;
  timeLeftS: number;
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

/** A search that ran to its end: the winner refitted on all rows, its model file, diagnostics. */
export interface CompletedFit {
  stopped: false;
  target: string;
  task: Task;
  metric: string;
  nRows: number;
  nFeatures: number;
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
}

/** One entry per data row, in order, with what the engine said about the file. */
export type PredictionList = PredictionRow[] & {
  /** The model's input columns. */
  columns: string[];
  classes: string[];
  /** Category levels the model never saw, per column. */
  unseen: { column: string; count: number }[];
  /** Columns ignored, unseen levels, unreadable values. */
  notes: Message[];
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
}

export interface ModelInfo {
  target: string;
  task: Task;
  metric: string;
  classes: string[];
  columns: { name: string; kind: Kind }[];
  createdWith: string;
  formatVersion: number;
  best: LeaderboardRow;
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
  /** The CSV `automl fit --date ... --out` writes. */
  csv: string;
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
  };
  kinds: { name: Kind; label: string; description: string; used: boolean }[];
  tasks: { name: Task; label: string; description: string; defaultMetric: MetricName; metrics: MetricName[] }[];
  metrics: { name: MetricName; label: string; description: string; higherIsBetter: boolean; task: Task }[];
  families: { name: string; label: string; tasks: Task[] }[];
}

// ---- the engine ------------------------------------------------------------------------------

/** The engine: the wasm compiled once, a pool of workers. Calls run one at a time, in order. */
export class AutoML {
  /** Use AutoML.load(). */
  private constructor(bridge: never, language: Language, version: string);
  /** Compiles the wasm, starts the worker pool, loads the catalogue of `language`. */
  static load(options?: AutoMLOptions): Promise<AutoML>;
  /** The language of error messages and `render()`. */
  readonly language: Language;
  /** The engine's version. */
  readonly version: string;
  /** Workers in the pool. */
  readonly workers: number;
  /** What a file holds: columns and their kinds, a preview, notes and warnings. */
  inspect(data: Data, options?: ReadOptions): Promise<Inspection>;
  /** Searches models for `options.target`; see FitOptions.signal for stopping. */
  fit(data: Data, options: FitOptions): Promise<FitResult>;
  /** Predicts every row: one entry per row, in order. */
  predict(model: ModelBytes, data: Data, options?: PredictOptions): Promise<PredictionList>;
  /** How each column moved one row's prediction. */
  explain(model: ModelBytes, row: RowObject): Promise<RowExplanation>;
  /** What a model file holds; rejects for a foreign or damaged file. */
  modelInfo(model: ModelBytes): Promise<ModelInfo>;
  /** Backtests forecasting models on a series and forecasts it. */
  forecast(data: Data, options: ForecastOptions): Promise<ForecastResult>;
  /** The engine's defaults, limits, column kinds, tasks, metrics and families. */
  describe(): Promise<Catalogue>;
  /** A note, warning or error `{ code, params }` in words, with its hint. */
  render(message: Message): Promise<string>;
  /** Terminates the workers; a later call starts fresh ones. */
  close(): void;
}

/** Rows as the bytes of a CSV file (the header: every key in the order first met; quoted where needed). */
export function rowsToCsv(rows: readonly RowObject[]): Uint8Array;
