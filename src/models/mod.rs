//! Every model family behind one contract (scikit-learn's estimator rules):
//! - a [`ModelSpec`] is plain, serializable hyperparameters with documented defaults, checked
//!   by [`ModelSpec::validate`] at fit time, never in a constructor;
//! - each family's space ([`FamilyDef::space`]) describes its hyperparameters (range, scale,
//!   default and a low-cost starting value) for the search;
//! - [`ModelSpec::fit`] validates its inputs and returns a separate, serializable
//!   [`FittedModel`] or an error, never a panic: inputs are checked here before any
//!   dependency sees them, since a panic kills the wasm worker;
//! - [`FittedModel::predict`] and, for classifiers, [`FittedModel::predict_proba`].
//!
//! A family is one file: its hyperparameter struct implements [`ModelFamily`] (names, space,
//! cost, fit) and its fitted form implements [`Predictor`]; `registry.rs` lists every family
//! once. All randomness comes from the `seed` given to `fit`.

pub mod boosting;
pub mod constant;
pub mod family;
pub mod forests;
pub mod knn;
pub mod linear;
pub mod logistic;
pub mod naive_bayes;
pub mod neural_network;
pub mod optim;
pub mod registry;
pub mod space;
pub mod svm;

pub use family::{Family, FamilyDef, FitInput, ModelFamily, Predictor};
pub use knn::KnnWeights;
pub use registry::{Inner, ModelSpec, FAMILIES};
pub use svm::Kernel;

use crate::error::{AutoMlError, Result};
use crate::matrix::Matrix;
use crate::truth::TargetRef;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Predictions, of the same kind as the target learned.
#[derive(Debug, Clone, PartialEq)]
pub enum Prediction {
    /// Class codes.
    Classes(Vec<u32>),
    /// Numbers.
    Values(Vec<f64>),
}

/// How classes are weighted in the loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ClassWeight {
    /// Every row counts the same. The default.
    #[default]
    None,
    /// Rows are weighted by `n / (n_classes × class count)`, so every class counts the same.
    Balanced,
}

/// Rows of each class (`y` holds class codes below `n_classes`, as a fit's input is checked).
pub fn class_counts(y: &[u32], n_classes: usize) -> Vec<usize> {
    let mut counts = vec![0usize; n_classes];
    for &c in y {
        counts[c as usize] += 1;
    }
    counts
}

/// Per-row weights for a class weighting.
pub fn class_weights(y: &[u32], n_classes: usize, cw: ClassWeight) -> Vec<f64> {
    match cw {
        ClassWeight::None => vec![1.0; y.len()],
        ClassWeight::Balanced => {
            let counts = class_counts(y, n_classes);
            let present = counts.iter().filter(|&&c| c > 0).count().max(1) as f64;
            y.iter()
                .map(|&c| y.len() as f64 / (present * counts[c as usize] as f64))
                .collect()
        }
    }
}

fn unsupported(family: &str, task: &str) -> AutoMlError {
    AutoMlError::Model {
        family: family.into(),
        detail: format!("it cannot be used for {task}"),
    }
}

/// The class codes and number of classes of a classifier's target (an error for values).
pub fn classes_of<'a>(family: &str, y: TargetRef<'a>) -> Result<(&'a [u32], usize)> {
    match y {
        TargetRef::Classes { y, n_classes } => Ok((y, n_classes)),
        TargetRef::Values(_) => Err(unsupported(family, "regression")),
    }
}

/// The values of a regressor's target (an error for classes).
pub fn values_of<'a>(family: &str, y: TargetRef<'a>) -> Result<&'a [f64]> {
    match y {
        TargetRef::Values(v) => Ok(v),
        TargetRef::Classes { .. } => Err(unsupported(family, "classification")),
    }
}

impl ModelSpec {
    /// The family.
    pub fn family(&self) -> Family {
        self.configured().family()
    }

    /// Builds a spec from a family and some of its parameters; the others take their
    /// documented defaults. Names or values outside the family's space are errors.
    pub fn from_params(
        family: Family,
        classification: bool,
        params: &Map<String, Value>,
    ) -> Result<ModelSpec> {
        let space = family.space(classification);
        let bad = |detail: String| AutoMlError::Model {
            family: family.name().into(),
            detail,
        };
        let mut object = Map::new();
        for def in &space {
            object.insert(def.name.into(), def.default.clone());
        }
        for (name, value) in params {
            let def = space
                .iter()
                .find(|d| d.name == name)
                .ok_or_else(|| bad(format!("it has no hyperparameter \"{name}\"")))?;
            if !def.admits(value) {
                return Err(bad(format!("{name} = {value} is outside its range")));
            }
            object.insert(name.clone(), value.clone());
        }
        family
            .spec_from_json(object)
            .map_err(|e| bad(format!("the parameters do not fit: {e}")))
    }

    /// The family's documented defaults.
    pub fn default_for(family: Family, classification: bool) -> Result<ModelSpec> {
        Self::from_params(family, classification, &Map::new())
    }

    /// The family's low-cost starting configuration.
    pub fn low_cost(family: Family, classification: bool) -> Result<ModelSpec> {
        let params: Map<String, Value> = family
            .space(classification)
            .into_iter()
            .map(|d| (d.name.to_string(), d.low_cost))
            .collect();
        Self::from_params(family, classification, &params)
    }

    /// The family's machine name.
    pub fn family_name(&self) -> &'static str {
        self.family().name()
    }

    /// The family's name for people.
    pub fn label(&self) -> &'static str {
        self.family().label()
    }

    /// The hyperparameters as a JSON object (without the family), limited to those the
    /// task uses, and a class weighting the search set outside the space (a network's, see
    /// [`Self::for_metric`]).
    pub fn params(&self, classification: bool) -> Map<String, Value> {
        let names: Vec<&str> = self
            .family()
            .space(classification)
            .iter()
            .map(|d| d.name)
            .collect();
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map
                .into_iter()
                .filter(|(k, _)| {
                    names.contains(&k.as_str()) || (classification && k == "class_weight")
                })
                .collect(),
            _ => Map::new(),
        }
    }

    /// This configuration as the search trains it for a run scored by `metric`: a network
    /// decides for balanced classes when the metric is balanced accuracy
    /// ([`NeuralNetwork::for_metric`]); every other configuration is unchanged.
    pub fn for_metric(self, metric: crate::metrics::Metric) -> ModelSpec {
        match self {
            ModelSpec::NeuralNetwork(n) => ModelSpec::NeuralNetwork(n.for_metric(metric)),
            other => other,
        }
    }

    /// Hyperparameters as `name=value, ...` for a terminal.
    pub fn params_text(&self, classification: bool) -> String {
        params_text(&self.params(classification))
    }

    /// A rough relative cost of one fit and prediction on `rows` × `cols` inputs, for
    /// budgeting before this family has been timed. Units are shared by all families.
    pub fn cost_units(&self, rows: usize, cols: usize) -> f64 {
        self.configured().cost_units(rows, cols)
    }

    /// How much more a fit costs with `n_classes` classes (0 for regression) than
    /// [`ModelSpec::cost_units`] says: boosting grows one tree per class and round, the
    /// multinomial logistic regression and the SVM's one-vs-rest fit one weight vector per
    /// class; the others barely notice.
    pub fn class_factor(&self, n_classes: usize) -> f64 {
        if n_classes <= 2 {
            1.0
        } else {
            self.configured().class_factor(n_classes)
        }
    }

    /// [`ModelSpec::cost_units`] for a task with `n_classes` classes (0 for regression): with
    /// the [`ModelSpec::class_factor`], and whatever the family adds for the task (forests of
    /// regression trees grow deeper and try more inputs).
    pub fn task_cost_units(&self, rows: usize, cols: usize, n_classes: usize) -> f64 {
        self.configured().task_cost_units(rows, cols, n_classes)
    }

    /// Checks the hyperparameters against the family's space.
    pub fn validate(&self, classification: bool) -> Result<()> {
        let family = self.family();
        if !family.supports(classification) {
            let task = if classification {
                "classification"
            } else {
                "regression"
            };
            return Err(unsupported(family.name(), task));
        }
        let params = self.params(classification);
        for def in family.space(classification) {
            match params.get(def.name) {
                Some(v) if def.admits(v) => {}
                Some(v) => {
                    return Err(AutoMlError::Model {
                        family: family.name().into(),
                        detail: format!("{} = {v} is outside its range", def.name),
                    })
                }
                None => {
                    return Err(AutoMlError::Model {
                        family: family.name().into(),
                        detail: format!("{} is missing", def.name),
                    })
                }
            }
        }
        Ok(())
    }

    /// Fits the model on `x` (finite numbers; `x.rows` = length of `y`). `seed` fixes every
    /// random choice of the fit.
    pub fn fit(&self, x: &Matrix, y: TargetRef<'_>, seed: u64) -> Result<FittedModel> {
        self.fit_levels(x, None, y, seed)
    }

    /// Fits as [`ModelSpec::fit`], told the categorical columns with many levels of the
    /// pipeline that wrote `x` and the level of each of its rows (`Pipeline::levels`): a
    /// neural network learns an embedding of each such column.
    pub fn fit_levels(
        &self,
        x: &Matrix,
        levels: Option<&crate::preprocess::Levels>,
        y: TargetRef<'_>,
        seed: u64,
    ) -> Result<FittedModel> {
        let classification = y.is_classes();
        self.validate(classification)?;
        let family = self.family();
        validate_inputs(family.name(), x, y.len())?;
        let fail = |detail: String| AutoMlError::Model {
            family: family.name().into(),
            detail,
        };
        let n_classes = match y {
            TargetRef::Classes { y, n_classes } => {
                if n_classes == 0 {
                    return Err(fail("there are no classes".into()));
                }
                if let Some(bad) = y.iter().find(|&&c| c as usize >= n_classes) {
                    return Err(fail(format!(
                        "class code {bad} is not below the number of classes {n_classes}"
                    )));
                }
                n_classes
            }
            TargetRef::Values(v) => {
                if let Some(i) = v.iter().position(|t| !t.is_finite()) {
                    return Err(fail(format!(
                        "the target of row {} is not a finite number",
                        i + 1
                    )));
                }
                0
            }
        };
        let inner = match y {
            // one class in the training rows: every classifier is the constant model
            TargetRef::Classes { y: codes, .. } if codes.iter().all(|&c| c == codes[0]) => {
                constant::Priors::of(codes, n_classes).into()
            }
            _ => match levels {
                Some(levels) if !levels.inputs.is_empty() => self
                    .configured()
                    .fit_levels(&FitInput { x, y, seed }, levels)?,
                _ => self.configured().fit(&FitInput { x, y, seed })?,
            },
        };
        Ok(FittedModel {
            spec: self.clone(),
            n_features: x.cols,
            n_classes,
            inner,
        })
    }
}

fn validate_inputs(family: &str, x: &Matrix, n_labels: usize) -> Result<()> {
    let bad = |detail: String| {
        Err(AutoMlError::Model {
            family: family.into(),
            detail,
        })
    };
    if x.rows == 0 || x.cols == 0 {
        return bad(format!(
            "it needs at least one row and one input, got {} × {}",
            x.rows, x.cols
        ));
    }
    if x.data.len() != x.rows * x.cols {
        return bad("the input matrix is malformed".into());
    }
    if n_labels != x.rows {
        return bad(format!("{} rows of inputs but {n_labels} labels", x.rows));
    }
    if let Some(i) = x.data.iter().position(|v| !v.is_finite()) {
        return bad(format!(
            "input {} of row {} is not a finite number",
            i % x.cols + 1,
            i / x.cols + 1
        ));
    }
    Ok(())
}

/// A fitted model: one family fitted on a matrix. Serializable; predicts rows with the number
/// of inputs it was fitted on.
#[derive(Debug, Serialize, Deserialize)]
pub struct FittedModel {
    /// The configuration it was fitted with.
    pub spec: ModelSpec,
    n_features: usize,
    /// Classes (0 for regression).
    n_classes: usize,
    inner: Inner,
}

/// Probabilities over the classes seen in training (`0..=max`), widened to all `k` classes.
pub fn pad_classes(p: Matrix, k: usize) -> Vec<f64> {
    if p.cols == k {
        return p.data;
    }
    let mut out = vec![0.0; p.rows * k];
    for r in 0..p.rows {
        out[r * k..r * k + p.cols.min(k)].copy_from_slice(&p.row(r)[..p.cols.min(k)]);
    }
    out
}

/// How a tree model's raw outputs (base + scale × the sum of its trees' leaf values) become
/// its predictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeLink {
    /// The raw outputs are the predictions (a value, or class probabilities up to rounding).
    Identity,
    /// One raw output, the log-odds of the second class.
    Logistic,
    /// One raw output per class, turned into probabilities by softmax.
    Softmax,
}

/// A tree-engine model's trees and how their sum becomes the prediction.
#[derive(Debug, Clone, Copy)]
pub struct TreeParts<'a> {
    /// The trees.
    pub trees: &'a [crate::trees::Tree],
    /// Base score of each raw output.
    pub base: &'a [f64],
    /// Factor on the sum of leaf values.
    pub scale: f64,
    /// How raw outputs become predictions.
    pub link: TreeLink,
}

impl<'a> TreeParts<'a> {
    /// The parts of a tree-engine ensemble.
    pub(crate) fn of(e: &'a crate::trees::Ensemble, link: TreeLink) -> TreeParts<'a> {
        TreeParts {
            trees: e.trees(),
            base: e.base(),
            scale: e.scale(),
            link,
        }
    }
}

impl FittedModel {
    /// The trees of a tree-engine model (decision tree, forests, gradient boosting), or `None`.
    pub fn tree_parts(&self) -> Option<TreeParts<'_>> {
        self.inner.predictor().tree_parts()
    }

    /// A network's layers and learning curve, or `None`.
    pub fn network(&self) -> Option<neural_network::NetworkTrace> {
        self.inner.predictor().network()
    }

    /// Boosting's loss after each round on `train` and `valid` rows, or `None`.
    pub fn round_curve(
        &self,
        train: (&Matrix, TargetRef<'_>),
        valid: (&Matrix, TargetRef<'_>),
    ) -> Option<crate::trees::RoundCurve> {
        self.inner.predictor().round_curve(train, valid)
    }

    /// Checks that a deserialized model's parts fit together (its inputs, classes and
    /// internal sizes), so that predicting with a loaded model file cannot index out of range.
    pub fn check_parts(&self) -> Result<()> {
        if self.inner.predictor().fits(self.n_features, self.n_classes) {
            Ok(())
        } else {
            Err(AutoMlError::Model {
                family: self.spec.family_name().into(),
                detail: "the saved model's parts do not fit together".into(),
            })
        }
    }

    /// Inputs expected.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Classes (0 for a regressor).
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    fn check(&self, x: &Matrix) -> Result<()> {
        if x.cols != self.n_features {
            return Err(AutoMlError::Model {
                family: self.spec.family_name().into(),
                detail: format!(
                    "it was fitted on {} inputs but was given {}",
                    self.n_features, x.cols
                ),
            });
        }
        if x.rows == 0 {
            return Ok(());
        }
        validate_inputs(self.spec.family_name(), x, x.rows)
    }

    /// Class probabilities (`rows × n_classes`, each row sums to 1), or `None` for a regressor.
    pub fn predict_proba(&self, x: &Matrix) -> Result<Option<Matrix>> {
        self.check(x)?;
        let k = self.n_classes;
        if k == 0 {
            return Ok(None);
        }
        let data = self.inner.predictor().proba(x, k)?;
        if data.len() != x.rows * k {
            return Err(AutoMlError::Model {
                family: self.spec.family_name().into(),
                detail: "it produced probabilities of the wrong shape".into(),
            });
        }
        Ok(Some(Matrix {
            rows: x.rows,
            cols: k,
            data,
        }))
    }

    /// Predicts every row: the most probable class, or a value.
    pub fn predict(&self, x: &Matrix) -> Result<Prediction> {
        self.check(x)?;
        if self.n_classes > 0 {
            if x.rows == 0 {
                return Ok(Prediction::Classes(Vec::new()));
            }
            let proba = self.predict_proba(x)?.unwrap_or(Matrix {
                rows: 0,
                cols: 0,
                data: Vec::new(),
            });
            return Ok(Prediction::Classes(crate::math::argmax_rows(
                &proba.data,
                proba.cols,
            )));
        }
        if x.rows == 0 {
            return Ok(Prediction::Values(Vec::new()));
        }
        let values = self.inner.predictor().values(x)?;
        if values.len() != x.rows {
            return Err(AutoMlError::Model {
                family: self.spec.family_name().into(),
                detail: "it produced predictions of the wrong length".into(),
            });
        }
        Ok(Prediction::Values(values))
    }
}

/// Hyperparameters (a leaderboard row's `params`) as `name=value, ...` for a terminal;
/// "defaults" when there are none.
pub fn params_text(params: &Map<String, Value>) -> String {
    if params.is_empty() {
        return "defaults".into();
    }
    params
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.as_str().map_or_else(|| v.to_string(), str::to_string)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
