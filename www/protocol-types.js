// The shapes of the worker protocol (protocol.js): every message between the page and the
// search workers and every value the core returns, as JSDoc types (`@typedef`) that TypeScript
// checks (tsconfig.json, `npm run typecheck`). The page's modules and worker.js refer to them
// as `import("./protocol-types.js").Name`; the browser never loads this module (a type import
// is a comment), so the documentation costs nothing on the first visit.

// ---- the data the core returns (src/bindings.rs serializes them) ----------------------------

/**
 * Something the core says to a person: a stable code (the key of its words in the catalogue,
 * www/i18n/<lang>.json) and named parameters (src/messages.rs). Every `notes`, `warnings` and
 * `taskQuestion` below is one; i18n.js renders them (renderNote).
 * @typedef {object} Message
 * @property {string} code
 * @property {{ [name: string]: MessageParam }} params
 */

/**
 * A parameter: a number, a text, a list of names (`more` of them not shown) or a message
 * rendered in place (a reason, a word such as a column kind).
 * @typedef {number|string|{ items: string[], more: number }|Message} MessageParam
 */

/**
 * A column's kind. Text, identifier and constant columns are not used by the models.
 * @typedef {"numeric"|"boolean"|"categorical"|"datetime"|"text"|"identifier"|"constant"} Kind
 */

/** @typedef {"classification"|"regression"} Task */

/**
 * A metric's machine name (src/metrics.rs); the catalogue gives each one's label, description
 * and direction (`higherIsBetter`).
 * @typedef {"accuracy"|"balanced_accuracy"|"f1_macro"|"roc_auc"|"log_loss"|"r2"|"rmse"|"mae"} MetricName
 */

/**
 * An encoding a text file can be read with (src/data/encoding.rs `TextEncoding`): the engine
 * detects UTF-8, UTF-16, Korean CP949 ("euc-kr") and Windows-1252; the person can choose one.
 * @typedef {"utf-8"|"utf-16"|"euc-kr"|"windows-1252"} TextEncodingName
 */

/**
 * The settings of a run (and of a target check).
 * @typedef {object} RunSettings
 * @property {string} target
 * @property {Task} task
 * @property {number|null} timeBudgetS seconds; null with `maxTrials` for a deterministic run
 * @property {number} seed
 * @property {number} folds
 * @property {MetricName} [metric] the metric that ranks models (by default the task's
 *   `defaultMetric` in the catalogue)
 * @property {string} [sheet] the workbook's sheet
 * @property {TextEncodingName} [encoding] the encoding the person chose for a text file (by
 *   default the engine detects it)
 * @property {number} [maxTrials] a trial budget; with `timeBudgetS: null`, deterministic
 * @property {{ [column: string]: Kind }} [columnTypes] kinds the person changed
 * @property {string[]} [exclude] columns the person left out
 * @property {string[]} [families] the model families to search (machine names; none: all);
 *   the constant baseline always runs
 * @property {string[]} [excludeFamilies] families left out of the search
 * @property {number} [faultAfterTrials] TEST-ONLY FAULT INJECTION (with `faultKind`): once
 *   that many trials are done the lead's core panics or allocates until memory runs out. Only
 *   the test build's engine (cargo feature `test-hooks`) reads them, and only the browser tests
 *   set them (window.__automl.injectFault, tests/page/test-hooks.js).
 * @property {"panic"|"oom"} [faultKind]
 */

/**
 * One split's predictions for a trial, or why the model could not be fitted on this data
 * (`error`: the core's message, told to the lead's session; the trial is recorded as failed).
 * @typedef {object} SplitResult
 * @property {number} split
 * @property {Float64Array} [predictions]
 * @property {boolean} [averageable]
 * @property {NetworkTrace} [network] a network's layers and learning curve (see LeaderboardRow)
 * @property {RoundCurve} [boosting] boosting's loss per round (the first split only)
 * @property {number|null} [trainScore] the metric on a seeded subset of the rows the split's
 *   model was fitted on (null when it could not be computed)
 * @property {Message|string} [error]
 */

/**
 * A neural network's layers (widths from its inputs after the embedding, through each hidden
 * layer, to its outputs) and its learning curve: the mean training loss of each epoch, the
 * internal validation loss after each, and the epoch whose weights were restored (from 0).
 * @typedef {object} NetworkTrace
 * @property {number[]} layers
 * @property {number} inputs the inputs before the embedding
 * @property {number} members ensemble members sharing the hidden layers
 * @property {number} parameters
 * @property {number[]} train
 * @property {number[]} valid
 * @property {number} best
 * @property {number[][]} [embeddings] each categorical column with a learned embedding: its
 *   levels (with one for a level never seen) and the numbers of each level
 * @property {boolean} [balanced] whether it decides for balanced classes (its probabilities
 *   divided by each class's share of the training rows: runs scored by balanced accuracy)
 */

/**
 * A network's place in successive halving on epochs: its rung (from 0), the epochs of every
 * rung of its configuration (the last: its full epochs), the trials of its earlier rungs,
 * whether it continued to the next rung, and, when it stopped early, why
 * ("search.rung_stopped").
 * @typedef {object} RungInfo
 * @property {number} rung
 * @property {number[]} epochs
 * @property {number[]} earlier
 * @property {boolean} continued
 * @property {Message|null} [stopped]
 */

/**
 * Gradient boosting's learning curve: the mean loss after each round on (a seeded subset of)
 * the rows it was fitted on and on the split's validation rows, the rounds the model keeps,
 * and the round with the lowest validation loss (from 0).
 * @typedef {object} RoundCurve
 * @property {number[]} train
 * @property {number[]} valid
 * @property {number} rounds
 * @property {number} best
 */

/** @typedef {{ label: string, count: number }} LabelCount */

/**
 * One column of a file, as the engine read it.
 * @typedef {object} ColumnInfo
 * @property {string} name
 * @property {Kind} kind
 * @property {number} missing
 * @property {number} missingShare
 * @property {number} distinct
 * @property {Task} suggestedTask
 * @property {Message|null} taskQuestion ask the person (few whole numbers), or null
 * @property {string|null} format how numbers or dates are written
 * @property {LabelCount[]} histogram
 */

/**
 * What a file holds (the reply to "inspect").
 * @typedef {object} Inspection
 * @property {string} fileName
 * @property {number} nRows
 * @property {number} nCols
 * @property {ColumnInfo[]} columns
 * @property {string[][]} preview the first rows, raw cell text
 * @property {number} defaultTarget
 * @property {Message[]} notes what reading decided, e.g. an encoding fallback
 * @property {Message[]} warnings duplicated rows, mostly empty columns
 * @property {number} duplicateRows
 * @property {string[]} sheets a workbook's sheets
 * @property {string|null} sheet the sheet read
 * @property {TextEncodingName|null} encoding the encoding a text file was read with (null for
 *   a workbook); a note says which when it is not UTF-8
 */

/**
 * Class counts and warnings (leakage, class imbalance) for a target.
 * @typedef {object} TargetCheck
 * @property {string} target
 * @property {Task} task
 * @property {LabelCount[]} classCounts
 * @property {number} missing
 * @property {Message[]} warnings
 */

/**
 * A leaderboard row: one trial (or the ensemble, whose `params.members` lists its members).
 * @typedef {object} LeaderboardRow
 * @property {number} rank
 * @property {number} trial
 * @property {string} family
 * @property {string} label
 * @property {{ [name: string]: any }} params
 * @property {string} metric "accuracy", "r2", …
 * @property {boolean} higherIsBetter the metric's direction: compare and sort `mean` by it
 * @property {number} mean the metric's value as people read it (RMSE, not −RMSE)
 * @property {number} std
 * @property {number[]} foldScores
 * @property {number} fitTimeS
 * @property {number|null} sampleRows fitted on a sample of that many training rows per split
 *   (progressive sampling of large data)
 * @property {NetworkTrace} [network] a neural network's layers and learning curve (its first split)
 * @property {RungInfo} [rung] a network's rung of successive halving on epochs
 * @property {RoundCurve} [boosting] gradient boosting's loss per round (its first split)
 * @property {{ family: string, [name: string]: any }} [config] the configuration itself, which
 *   "finish" refits (the rows of a stopped run go back to the engine as they came)
 * @property {number|null} [trainScore] the metric on the rows the trial's models were fitted
 *   on (at most 2,000 of them, chosen by the seed; null for the ensemble)
 * @property {Message|null} [overfit] set when the core's overfitting rule flags the trial
 *   ("search.overfitting": the training score far better than the cross-validated one)
 */

/**
 * A finished trial, during a run. `timeLeftS`: seconds left of the time budget (0 when there
 * is none).
 * @typedef {object} TrialProgress
 * @property {"trial"} kind
 * @property {number} elapsedS
 * @property {number} budgetS
 * @property {number} timeLeftS
 * @property {number} trialsDone
 * @property {LeaderboardRow} row
 * @property {number} bestSoFar
 * @property {Message[]} events what the search decided since the previous event ("event.*"
 *   messages: why this trial was chosen, what its result changed), in order
 */

/**
 * A phase of a run begins. "explain" comes after the refit: the diagnostics are computed then.
 * @typedef {object} PhaseProgress
 * @property {"phase"} kind
 * @property {"search"|"ensemble"|"refit"|"explain"} phase
 * @property {number} elapsedS
 * @property {number} budgetS
 * @property {number} timeLeftS
 * @property {Message[]} events what the search decided since the previous event (why it ended,
 *   the ensemble)
 */

/**
 * The pace of a run (the classroom modes): "normal" runs trials back to back; "step" runs one
 * trial, then the lead waits for a "pace" notice ("next": one more trial, "finish": build the
 * ensemble and refit now), and the time it waits is not counted (LeadSession.pause); "slow"
 * lets each trial take at least SLOW_TRIAL_MS, the wait counted in the budget like any time.
 * @typedef {"normal"|"step"|"slow"} Pace
 */

/**
 * The network being trained, told by the lead after an epoch of its first split (at most
 * every TRAINING_EVERY_MS): its trial number, its layers and its learning curve so far.
 * @typedef {object} TrainingProgress
 * @property {"training"} kind
 * @property {number} trial
 * @property {NetworkTrace} network
 */

/** A run's progress events. @typedef {TrialProgress|PhaseProgress|TrainingProgress} Progress */

/** Reading a file: the share read so far. @typedef {{ kind: "parse", fraction: number }} ParseProgress */

/**
 * The winner's out-of-fold view: one entry per row predicted in the first repeat of the
 * validation splits (every row with a target for k-fold; only the holdout rows for a
 * holdout), each predicted by a model that never saw it; for an ensemble, its blended
 * predictions.
 * @typedef {object} OutOfFold
 * @property {number[]} rows 0-based data rows (header not counted), ascending
 * @property {(string|number)[]} actual
 * @property {(string|number)[]} predicted
 * @property {number[][]|null} probabilities per row, in class order
 */

/**
 * Permutation importance: the drop of the run's metric (positive = worse without the column)
 * on the first split's held-out rows, the winner refitted on the other rows; `features` is
 * empty when it was skipped (a note in diagnostics.notes says why).
 * @typedef {object} Importance
 * @property {string} method
 * @property {string} heldOut
 * @property {number} repeats
 * @property {{ column: string, mean: number, std: number }[]} features best first
 */

/**
 * Partial dependence of one of the (up to 5) most important columns: y = the mean probability
 * per class (class order) or [mean value], of the final model over a sample of at most 500
 * rows.
 * @typedef {object} PartialDependence
 * @property {string} column
 * @property {"numeric"|"categorical"} kind
 * @property {{ x: number|string, y: number[] }[]} points
 */

// What the page draws of the out-of-fold predictions, computed by the engine
// (src/results/curves.rs): the page computes no metric and no curve.

/**
 * One class's row of the per-class table. A ratio with nothing to divide is 0 (as
 * scikit-learn reports it).
 * @typedef {object} ClassRow
 * @property {string} label
 * @property {number} precision of the rows predicted as the class, the share that are
 * @property {number} recall of the rows that are the class, the share predicted as it
 * @property {number} f1 their harmonic mean
 * @property {number} support rows that are the class
 */

/**
 * A confusion matrix and what follows from it.
 * @typedef {object} ClassReport
 * @property {number[][]} matrix matrix[actual][predicted], in class order
 * @property {number[][]} shares each row of `matrix` divided by its total
 * @property {ClassRow[]} classes in class order
 * @property {{ precision: number, recall: number, f1: number }} macro means over the classes
 *   present (the macro F1 metric's)
 * @property {number} accuracy
 * @property {number} balancedAccuracy the mean over the classes with rows of their recall
 * @property {number} total rows counted
 */

/**
 * One point of the threshold sweep: the rows whose probability of the positive class is at
 * least `threshold` are called positive.
 * @typedef {object} SweepPoint
 * @property {number|null} threshold null for the first point, where no row is called positive
 * @property {number} tp
 * @property {number} fp
 * @property {number} tn
 * @property {number} fn
 * @property {number} tpr the ROC curve's y, the PR curve's x
 * @property {number} fpr the ROC curve's x
 * @property {number} precision the PR curve's y
 * @property {ClassReport} report at this threshold (matrix [[tn, fp], [fn, tp]])
 */

/**
 * One calibration bin (only bins holding rows are listed).
 * @typedef {{ lo: number, hi: number, meanPredicted: number, observed: number, count: number }} CalibrationBin
 */

/**
 * Two classes with probabilities: one threshold sweep gives both curves (ROC = the points'
 * (fpr, tpr), precision-recall = their (tpr, precision)); the areas are those of the whole
 * sweep, by the functions the ROC AUC metric uses. The threshold slider picks a point and
 * shows its report.
 * @typedef {object} BinaryView
 * @property {string} negative the first class
 * @property {string} positive the class whose probability is thresholded
 * @property {number} negatives rows of the negative class
 * @property {number} positives rows of the positive class
 * @property {number|null} rocAuc null when a class has no row
 * @property {number|null} averagePrecision null without positives
 * @property {number} baseline the share of positives
 * @property {SweepPoint[]} points threshold high to low: first no row called positive, last
 *   every row; at most 501, evenly spread over the sweep
 * @property {number} thresholds distinct thresholds swept
 * @property {number} defaultPoint index in `points` of the model's own decisions
 * @property {CalibrationBin[]} calibration
 */

/**
 * Classification diagnostics.
 * @typedef {object} ClassificationView
 * @property {string[]} classes in class order
 * @property {ClassReport} report of the predicted labels
 * @property {BinaryView|null} binary two classes with probabilities
 */

/** One row of the regression plots. @typedef {{ row: number, actual: number, predicted: number, residual: number }} RegressionPoint */

/** One bin of a histogram: lo <= value < hi (the last holds the largest). @typedef {{ lo: number, hi: number, count: number }} HistogramBin */

/**
 * Regression diagnostics.
 * @typedef {object} RegressionView
 * @property {number} rows rows predicted out of fold
 * @property {number} r2
 * @property {number} rmse
 * @property {number} mae
 * @property {RegressionPoint[]} points every row, or a seeded sample of 2,000, in row order
 * @property {HistogramBin[]} residualHistogram every row's residual
 */

/**
 * What the winner learned, computed in the explain phase.
 * @typedef {object} Diagnostics
 * @property {OutOfFold} outOfFold
 * @property {ClassificationView|null} classification what the page draws of the out-of-fold
 *   predictions for classification
 * @property {RegressionView|null} regression … for regression
 * @property {Importance} importance
 * @property {PartialDependence[]} partialDependence
 * @property {number} seconds
 * @property {Message[]} notes
 */

/**
 * "Why this model" (src/results/why.rs): the winner, the best model of another family, the
 * winner's mean per-split advantage over it and the standard error of that advantage, whether
 * the advantage is larger than that spread, and the simplest row within it (the trial the page
 * offers to choose), with the paragraph as messages.
 * @typedef {object} Why
 * @property {number} winner
 * @property {number|null} runnerUp
 * @property {number|null} difference
 * @property {number|null} spread
 * @property {boolean} clear
 * @property {number|null} simplest
 * @property {Message[]} messages
 */

/**
 * How a run ended: the search chose its winner ("finished"), the person stopped it and the
 * best trial so far was refitted ("stopped"), or the person chose a row ("chosen").
 * @typedef {"finished"|"stopped"|"chosen"} Ending
 */

/**
 * The reply to "run" (and to "finish").
 * @typedef {object} SearchResult
 * @property {string} target
 * @property {Task} task
 * @property {string} metric
 * @property {number} nRows
 * @property {number} nFeatures model inputs after encoding
 * @property {number} nColumns input columns the model reads
 * @property {Ending} ending
 * @property {Why|null} why
 * @property {number} folds
 * @property {number} elapsedS
 * @property {number} budgetS
 * @property {string[]} classes class labels; empty for regression
 * @property {LeaderboardRow[]} leaderboard best first
 * @property {{ row: LeaderboardRow, refitTimeS: number }} best
 * @property {Message[]} notes
 * @property {string} validation
 * @property {Diagnostics|null} diagnostics
 */

/**
 * What the bridge's run() resolves to: the SearchResult with the versioned model file
 * (empty if it could not be made, with a note in `notes`).
 * @typedef {SearchResult & { modelFile: Uint8Array }} RunResult
 */

/**
 * Predictions of a data file or of typed rows. A data file lacking model columns gives an
 * error naming every missing column.
 * @typedef {object} Predictions
 * @property {string[]} columns the model's input columns
 * @property {{ prediction: string|number, probabilities?: number[], inputs?: string[], actual?: string, note?: Message }[]} rows
 *   one per data row, in order; probabilities in class order, classification only; the row's
 *   input cells as in the data, its target cell (`actual`) when the data has the target, and
 *   why a prediction says little (`note`)
 * @property {string[]} classes
 * @property {{ column: string, count: number }[]} unseen unseen category levels
 * @property {Message[]} notes columns ignored, unseen levels, unreadable values
 * @property {string|null} [target] the target column, when the data has it
 * @property {{ metric: MetricName, value: number, rows: number, skipped: number }|null} [score]
 *   the model's score on the data, when it has the target
 */

/**
 * The reply to "predict": the Predictions with `csv`, the file `automl predict --out` writes,
 * byte for byte (the page's download).
 * @typedef {Predictions & { csv: string }} FilePredictions
 */

/**
 * How each column moved one row's prediction: base + the sum of effects = the explained
 * output. Single tree models (decision tree, random forest, extra trees, gradient boosting):
 * exact TreeSHAP (gradient boosting classifiers in log-odds); other models and ensembles: a
 * seeded sampling estimate of Shapley values against background training rows.
 * @typedef {object} RowExplanation
 * @property {string|number} prediction
 * @property {number[]|null} probabilities
 * @property {number[]} base per class, or [value]
 * @property {{ column: string, value: string, effect: number[] }[]} contributions largest first
 * @property {"probability"|"log-odds"|"value"} output
 * @property {string} method in English (the command line's words)
 * @property {"treeshap"|"sampling"} methodCode which method, for the page's words
 * @property {string} family the explained model's family (treeshap)
 * @property {number} samples random column orders (sampling)
 * @property {number} background background rows (sampling)
 * @property {CellCheck[]} cells how each input cell was read, in the model's column order
 * @property {"tree"|"background"} baseFrom where the base comes from: the trees' mean output
 *   over the training rows, or the mean prediction over the model file's background rows
 * @property {number} backgroundRows
 */

/**
 * How the model reads one what-if cell (src/results/predict.rs `CellCheck`): a value, a
 * missing value, text that is not a value of the column's kind (read as missing) or a level
 * the model never saw; `note` says what the model does with it.
 * @typedef {{ column: string, state: "value"|"missing"|"unreadable"|"unknown_level", note?: Message }} CellCheck
 */

/**
 * One input column of a model: how its numbers are written (numeric columns: "plain",
 * "thousands_comma", "decimal_comma", "thousands_space") and the category levels it knows.
 * @typedef {{ name: string, kind: Kind, numberFormat?: string, levels?: string[] }} ModelColumn
 */

/**
 * What a model file holds.
 * @typedef {object} ModelInfo
 * @property {string} target
 * @property {Task} task
 * @property {string} metric
 * @property {string[]} classes
 * @property {ModelColumn[]} columns
 * @property {string} createdWith
 * @property {number} formatVersion
 * @property {LeaderboardRow} best
 * @property {Ending} [ending] absent in files written before it was recorded (finished)
 * @property {RunSettings} settings
 * @property {string} validation
 */

// Forecasting (src/forecast/mod.rs):

/**
 * @typedef {object} ForecastSettings
 * @property {string} target
 * @property {string} date
 * @property {string} [id]
 * @property {number} [horizon]
 * @property {number|null} [timeBudgetS]
 * @property {number} [maxTrials] without `timeBudgetS`: no time limit (deterministic), as on
 *   the command line
 * @property {number} [seed]
 * @property {string} [sheet]
 * @property {TextEncodingName} [encoding]
 */

/**
 * The series a date column and a numeric target make.
 * @typedef {object} SeriesInfo
 * @property {"hourly"|"daily"|"weekly"|"monthly"|"quarterly"|"yearly"} frequency
 * @property {number} defaultHorizon
 * @property {number} n
 * @property {number[]} periods
 * @property {number} futureRows
 * @property {Message[]} notes
 */

/**
 * Mean scores over the backtest windows (`smape` in %).
 * @typedef {{ mase: number, smape: number, mae: number, rmse: number }} Scores
 */

/** @typedef {{ rank: number, trial: number, label: string, model: object, scores: Scores, timeS: number }} ForecastRow */

/** A forecasting model's backtests finished. @typedef {{ kind: "forecastTrial", row: ForecastRow }} ForecastProgress */

/**
 * @typedef {object} ForecastResult
 * @property {string} target
 * @property {string} dateColumn
 * @property {string} frequency
 * @property {number[]} periods
 * @property {number} n
 * @property {number} horizon
 * @property {number} origins
 * @property {number} backtestHorizon
 * @property {ForecastRow[]} leaderboard best first
 * @property {{ label: string, model: object, weight: number }[]} best
 * @property {string} bestLabel
 * @property {Scores} bestScores
 * @property {string[]} historyTimes
 * @property {number[]} history
 * @property {{ time: string, value: number, lo80: number, hi80: number, lo95: number, hi95: number }[]} forecast
 * @property {{ times: string[], forecast: number[], actual: number[], scores: Scores }[]} backtests
 * @property {string} intervals
 * @property {[number, number]} intervalCoverage
 * @property {Message[]} notes
 * @property {number} trials
 * @property {number} elapsedS
 * @property {number} seed
 * @property {number} maseLag the lag of the naive rule whose in-sample error scales MASE (the
 *   main season; 1 without one)
 * @property {string[]} covariates known covariates the models used
 * @property {string} csv the file `automl fit --date ... --out` writes (the page's download)
 * @property {Uint8Array} [modelFile] after a run: the forecast model file (`automl fit --date
 *   ... --model-out`), which "forecastWithModel" forecasts new data with
 */

/**
 * What a forecast model file holds (src/results/forecast_file.rs).
 * @typedef {object} ForecastModelInfo
 * @property {number} formatVersion
 * @property {string} createdWith
 * @property {string} target
 * @property {string} dateColumn
 * @property {string} frequency
 * @property {number} horizon
 * @property {number[]} periods
 * @property {string[]} covariates
 * @property {string} bestLabel
 * @property {{ label: string, model: object, weight: number }[]} members
 * @property {Scores} bestScores
 * @property {number} maseLag
 * @property {number[]} widths80
 * @property {number[]} widths95
 * @property {[number, number]} intervalCoverage
 * @property {number} historyLength
 * @property {string} historyEnd
 * @property {{ seed: number, timeBudgetS: number|null, maxTrials: number|null, trials: number, origins: number, backtestHorizon: number }} run
 */


// The engine's catalogue (src/results/describe.rs), read once at start-up: the page keeps no
// copy of the defaults, limits and names it shows.

/**
 * The settings a run takes when the page gives none (the core's SearchSettings::default()).
 * @typedef {object} SearchDefaults
 * @property {null} target
 * @property {null} task
 * @property {number|null} timeBudgetS
 * @property {number|null} maxTrials
 * @property {number} seed
 * @property {number} folds
 * @property {MetricName|null} metric
 * @property {boolean} ensemble
 * @property {{ [column: string]: Kind }} columnTypes
 * @property {string[]} exclude
 */

/**
 * The settings a forecast takes when the page gives none (horizon null: the frequency's own,
 * which "forecastInfo" gives).
 * @typedef {object} ForecastDefaults
 * @property {number|null} horizon
 * @property {number|null} timeBudgetS
 * @property {number|null} maxTrials
 * @property {number} seed
 * @property {number} origins backtest windows
 * @property {boolean} ensemble
 */

/** A closed range of whole numbers. @typedef {{ min: number, max: number }} Range */

/**
 * The limits the core enforces.
 * @typedef {object} Limits
 * @property {number} fileBytes the largest data file read
 * @property {number} columns the most columns of a file
 * @property {number} fieldBytes the largest field of a text file
 * @property {number} modelBytes the largest model file read
 * @property {number} classes the most classes of a target
 * @property {Range} folds
 * @property {{ above: number, max: number }} timeBudgetS seconds: more than `above`, at most `max`
 * @property {Range} seed the seeds the page can pass
 * @property {Range} horizon a forecast's steps
 * @property {Range} maxTrials
 * @property {number} overfitGap the overfitting rule: a training score more than this above
 *   the cross-validated one flags a trial (metrics on a 0–1 scale)
 * @property {number} overfitRatio for error metrics: a training error below this share of the
 *   cross-validated error flags a trial
 * @property {number} trainScoreRows the most training rows a trial's training score uses
 */

/**
 * A column kind: its name for people, what such columns hold, whether models use them.
 * @typedef {{ name: Kind, label: string, description: string, used: boolean }} KindInfo
 */

/**
 * A tabular task and the metrics that can rank its models.
 * @typedef {{ name: Task, label: string, description: string, defaultMetric: MetricName, metrics: MetricName[] }} TaskInfo
 */

/**
 * A metric. A leaderboard's `mean` is the metric's value as people read it: compare and sort
 * scores by `higherIsBetter` (also on every LeaderboardRow).
 * @typedef {{ name: MetricName, label: string, description: string, higherIsBetter: boolean, task: Task }} MetricInfo
 */

/** A model family (`name` as in LeaderboardRow.family). @typedef {{ name: string, label: string, tasks: Task[] }} FamilyInfo */

/**
 * The reply to "describe": default settings, limits, column kinds, tasks, metrics with their
 * direction, and model families.
 * @typedef {object} Catalogue
 * @property {string} version the engine's version
 * @property {{ search: SearchDefaults, forecast: ForecastDefaults }} defaults
 * @property {Limits} limits
 * @property {KindInfo[]} kinds in the order the type menus list them
 * @property {TaskInfo[]} tasks
 * @property {MetricInfo[]} metrics
 * @property {FamilyInfo[]} families
 */

// ---- requests (page -> worker) --------------------------------------------------------------
// Each request is `{ id, type, ...payload }` with a numeric `id` that every reply to it echoes.

/**
 * Parse the file (CSV/TSV text or an Excel/OpenDocument workbook) and describe it. `bytes` is
 * transferred, not copied. Progress: ParseProgress.
 * @typedef {{ bytes: ArrayBuffer, fileName: string, options: { sheet?: string, encoding?: TextEncodingName } }} InspectPayload
 */

/**
 * Class counts and warnings (leakage, imbalance) for the chosen target and task.
 * @typedef {{ bytes: ArrayBuffer, fileName: string, settings: RunSettings }} CheckTargetPayload
 */

/**
 * (lead only) Run a budgeted search on a pool of `workers`. `bytes` is transferred. Besides
 * progress and the result, the lead sends "splitJobs" for the splits of other workers.
 * @typedef {{ bytes: ArrayBuffer, fileName: string, settings: RunSettings, workers: number, pace?: Pace }} RunPayload
 */

/**
 * (lead only) Finish a run with trial `trial` of its leaderboard `rows`: after Stop
 * ("stopped", the best so far) or a row the person chose ("chosen"); `elapsedS` is the
 * search's time before. Progress: the refit and explain phases. Result: a RunResult.
 * @typedef {{ bytes: ArrayBuffer, fileName: string, settings: RunSettings, rows: LeaderboardRow[], trial: number, ending: "stopped"|"chosen", elapsedS: number }} FinishPayload
 */

/**
 * (pool workers 1..workers-1, at the start of a run) Parse the same file and prepare the fold
 * data of the splits s with s % workers == worker. Result: { splits: number[] }.
 * @typedef {{ bytes: ArrayBuffer, fileName: string, settings: RunSettings, worker: number, workers: number }} PreparePayload
 */

/**
 * Evaluate the trial (opaque JSON text from the lead) on these splits of this worker.
 * Result: SplitResult[] (prediction buffers transferred).
 * @typedef {{ trial: string, splits: number[] }} EvaluatePayload
 */

/**
 * Predict every row of a data file with a saved model. `bytes` is transferred; the model file
 * is copied (the worker caches the last model by its checksum, so sending the same file again
 * is fast).
 * @typedef {{ modelFile: Uint8Array, bytes: ArrayBuffer, fileName: string, options: { sheet?: string } }} PredictPayload
 */

/**
 * Predict rows typed by a person (the what-if form). A column left out of a row is missing in
 * it.
 * @typedef {{ modelFile: Uint8Array, rows: { [column: string]: string }[] }} PredictRowsPayload
 */

/** How each column moved one row's prediction. @typedef {{ modelFile: Uint8Array, row: { [column: string]: string } }} ExplainRowPayload */

/**
 * What a model file holds. A foreign, damaged or newer file gives an error reply (not fatal)
 * whose message says which.
 * @typedef {{ modelFile: Uint8Array }} ModelInfoPayload
 */

/**
 * "forecastInfo": read the series a date column and a numeric target make. "forecast":
 * backtest forecasting models within the budget and forecast `horizon` steps (progress:
 * ForecastProgress).
 * @typedef {{ bytes: ArrayBuffer, fileName: string, settings: ForecastSettings }} ForecastPayload
 */

/**
 * "forecastModelInfo": what a forecast model file holds. "forecastWithModel": forecast the
 * series of a data file from its end with a forecast model file (its models refitted, no
 * search). A foreign, damaged or newer file, or data the model cannot forecast, gives an error
 * reply (not fatal) whose message says which.
 * @typedef {{ modelFile: Uint8Array }} ForecastModelInfoPayload
 * @typedef {{ modelFile: Uint8Array, bytes: ArrayBuffer, fileName: string, options: { sheet?: string, encoding?: TextEncodingName } }} ForecastWithModelPayload
 */

/**
 * Every request type: what it sends besides `id` and `type` (`payload`), the value of its
 * "result" reply (`value`), and the progress events it reports (`progress`; never, for most).
 * - "release": drop the prepared fold data (after a run).
 * - "describe": the engine's catalogue (defaults, limits, kinds, tasks, metrics, families),
 *   asked once at start-up (the bridge's describe()); the page keeps no copy of its own.
 * - "panic": TEST BUILD ONLY (the bridge's panic(), added by test-hooks.js): makes the Rust
 *   core panic (a wasm trap, `trigger_panic`). The production engine has no `trigger_panic`:
 *   there the request gets an error reply (not fatal).
 * @typedef {object} Requests
 * @property {{ payload: InspectPayload, value: Inspection, progress: ParseProgress }} inspect
 * @property {{ payload: CheckTargetPayload, value: TargetCheck, progress: never }} checkTarget
 * @property {{ payload: RunPayload, value: RunResult, progress: Progress }} run
 * @property {{ payload: FinishPayload, value: RunResult, progress: Progress }} finish
 * @property {{ payload: PreparePayload, value: { splits: number[] }, progress: never }} prepare
 * @property {{ payload: EvaluatePayload, value: SplitResult[], progress: never }} evaluate
 * @property {{ payload: {}, value: null, progress: never }} release
 * @property {{ payload: PredictPayload, value: FilePredictions, progress: never }} predict
 * @property {{ payload: PredictRowsPayload, value: Predictions, progress: never }} predictRows
 * @property {{ payload: ExplainRowPayload, value: RowExplanation, progress: never }} explainRow
 * @property {{ payload: ModelInfoPayload, value: ModelInfo, progress: never }} modelInfo
 * @property {{ payload: ForecastPayload, value: SeriesInfo, progress: never }} forecastInfo
 * @property {{ payload: ForecastPayload, value: ForecastResult, progress: ForecastProgress }} forecast
 * @property {{ payload: ForecastModelInfoPayload, value: ForecastModelInfo, progress: never }} forecastModelInfo
 * @property {{ payload: ForecastWithModelPayload, value: ForecastResult, progress: never }} forecastWithModel
 * @property {{ payload: {}, value: Catalogue, progress: never }} describe
 * @property {{ payload: {}, value: never, progress: never }} panic
 */

/** @typedef {keyof Requests} RequestType */

/**
 * A request as posted to a worker.
 * @typedef {{ [T in RequestType]: { id: number, type: T } & Requests[T]["payload"] }[RequestType]} Request
 */

/**
 * Page -> worker, no reply. "init": the first message to every worker: instantiate this
 * module, then reply "ready". "splitResults" (page -> lead): the other workers' predictions
 * for the lead's trial `number` (its "splitJobs"). "pace" (page -> lead, step mode): "next"
 * runs one more trial, "finish" ends the search there (ensemble and refit).
 * @typedef {{ type: "init", module: WebAssembly.Module }
 *   | { type: "splitResults", number: number, results: SplitResult[] }
 *   | { type: "pace", action: "next"|"finish" }} Notice
 */

/** Everything the page posts to a worker. @typedef {Request|Notice} ToWorker */

// ---- replies (worker -> page) ---------------------------------------------------------------

/**
 * `code` and `params` are the error as a Message, which the page renders from its catalogue
 * (i18n.js); `message` and `hint` are the core's English rendering, a fallback (absent for
 * the worker's own fatal errors). `name` is one of ERROR_NAMES for a fatal error:
 * "EngineCrashed" (a Rust panic or another trap, code "engine.crashed") or "OutOfMemory" (an
 * allocation the browser refused, told apart by the core's allocator, code
 * "engine.out_of_memory"). `fatal` is true after a wasm trap: the instance is unusable and the
 * bridge replaces the workers.
 * @typedef {object} ErrorInfo
 * @property {string} name
 * @property {string} [code]
 * @property {{ [name: string]: MessageParam }} [params]
 * @property {string} [message]
 * @property {string} [hint]
 * @property {boolean} fatal
 */

/** Once, when the wasm module is loaded (no id). @typedef {{ type: "ready", version: string, memoryBytes: number }} ReadyReply */

/**
 * Zero or more while a request runs; `memoryBytes` is the wasm memory's size then.
 * @typedef {{ id: number, type: "progress", event: Requests[RequestType]["progress"], memoryBytes: number }} ProgressReply
 */

/**
 * (lead, during a run) Evaluate trial `number` on these splits: the page sends "evaluate" to
 * each split's worker and answers the lead with one "splitResults" holding all of them.
 * @typedef {{ id: number, type: "splitJobs", number: number, trial: string, splits: number[] }} SplitJobsReply
 */

/**
 * The request's answer (Requests[type].value). The answer to "run" carries the SearchResult
 * and `modelFile`, the versioned model file (transferred; empty if it could not be made, with
 * a note in value.notes); the bridge's run() resolves to the SearchResult with `modelFile`
 * added (RunResult).
 * @typedef {{ id: number, type: "result", value: Requests[RequestType]["value"] | SearchResult, modelFile?: Uint8Array, memoryBytes?: number }} ResultReply
 */

/** The request failed. @typedef {{ id: number, type: "error", error: ErrorInfo }} ErrorReply */

/** Everything a worker posts to the page. @typedef {ReadyReply|ProgressReply|SplitJobsReply|ResultReply|ErrorReply} FromWorker */

export {};
