//! What a model family is: the [`ModelFamily`] trait its hyperparameters implement (its names,
//! space, cost, fit), the [`Predictor`] trait its fitted form implements (its prediction), and
//! the registry's view of a family, [`FamilyDef`], reached through the [`Family`] handle.
//!
//! A family's hyperparameters are a plain serializable struct (say `linear::Ridge { alpha }`)
//! that implements [`ModelFamily`]; the registry (`registry.rs`) wraps each in a variant of
//! [`ModelSpec`] and lists it once. Its defaults and low-cost start are those of its space
//! ([`ParamDef::default`], [`ParamDef::low_cost`]).

use super::space::ParamDef;
use super::{Inner, ModelSpec, TreeParts};
use crate::error::{AutoMlError, Result};
use crate::matrix::Matrix;
use crate::preprocess::Levels;
use crate::truth::TargetRef;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt::Debug;
use std::marker::PhantomData;

/// What a family's fit is given. Checked before a family sees it: `x` is non-empty and finite,
/// `y` has one entry per row (class codes below the number of classes, or finite numbers), and
/// the family supports its task. Families trained in rounds (a neural network's epochs) will
/// find their fidelity here, beside the seed, without the other families changing.
#[derive(Debug, Clone, Copy)]
pub struct FitInput<'a> {
    /// The inputs, one row per training row.
    pub x: &'a Matrix,
    /// The target of the same rows.
    pub y: TargetRef<'a>,
    /// Fixes every random choice of the fit.
    pub seed: u64,
}

/// A model family, implemented by the struct of its hyperparameters. Everything the search and
/// the model file need to know about a family comes from here.
pub trait ModelFamily:
    Clone + Debug + PartialEq + Serialize + DeserializeOwned + Into<ModelSpec> + 'static
{
    /// Machine name, as in serialized specs and leaderboards (the snake_case of its variant of
    /// [`ModelSpec`]).
    const NAME: &'static str;
    /// Name for people.
    const LABEL: &'static str;

    /// Whether it learns classes (`true`) or values (`false`).
    fn supports(classification: bool) -> bool;

    /// Its hyperparameters for a task, each with its range, default and low-cost start; the
    /// names are the struct's fields (fields a task does not use keep their serde default).
    fn space(classification: bool) -> Vec<ParamDef>;

    /// A rough relative cost of one fit and prediction on `rows` × `cols` inputs, for
    /// budgeting before the family has been timed. Units are shared by all families.
    fn cost_units(&self, rows: usize, cols: usize) -> f64;

    /// How much more a fit costs with `n_classes` > 2 classes than [`Self::cost_units`] says
    /// (a fit per class costs `n_classes`); 1 when classes barely matter.
    fn class_factor(&self, n_classes: usize) -> f64 {
        let _ = n_classes;
        1.0
    }

    /// The cost units for a task with `n_classes` classes (0 for regression); by default
    /// [`Self::cost_units`] × [`Self::class_factor`] (1 for two classes or fewer).
    fn task_cost_units(&self, rows: usize, cols: usize, n_classes: usize) -> f64 {
        let factor = if n_classes <= 2 {
            1.0
        } else {
            self.class_factor(n_classes)
        };
        self.cost_units(rows, cols) * factor
    }

    /// Fits on checked inputs (see [`FitInput`]); the result is this family's fitted form
    /// (a variant of the registry's fitted forms, each implementing [`Predictor`]).
    fn fit(&self, input: &FitInput<'_>) -> Result<Inner>;

    /// Fits as [`Self::fit`], told which inputs are categorical columns with many levels and
    /// the level of each row (a neural network learns an embedding of each); the other
    /// families ignore them.
    fn fit_levels(&self, input: &FitInput<'_>, levels: &Levels) -> Result<Inner> {
        let _ = levels;
        self.fit(input)
    }
}

/// A fitted form: how a fitted model predicts, and checks a loaded copy of itself.
pub trait Predictor {
    /// Class probabilities, `rows × n_classes` row-major (`n_classes` of the whole problem; a
    /// form that knows fewer classes pads with zeros). Empty for a form that predicts values.
    fn proba(&self, x: &Matrix, n_classes: usize) -> Result<Vec<f64>> {
        let _ = (x, n_classes);
        Ok(Vec::new())
    }

    /// Predicted values, one per row. Empty for a form that predicts classes.
    fn values(&self, x: &Matrix) -> Result<Vec<f64>> {
        let _ = x;
        Ok(Vec::new())
    }

    /// Whether its parts fit `n_features` inputs and `n_classes` classes (0: regression), so
    /// that predicting with a loaded model cannot index out of range.
    fn fits(&self, n_features: usize, n_classes: usize) -> bool;

    /// The trees of a tree-engine model, for TreeSHAP; `None` for other forms.
    fn tree_parts(&self) -> Option<TreeParts<'_>> {
        None
    }

    /// A network's layers and learning curve; `None` for other forms.
    fn network(&self) -> Option<super::neural_network::NetworkTrace> {
        None
    }

    /// Boosting's loss after each round on `train` and `valid` rows (inputs, truth); `None`
    /// for other forms.
    fn round_curve(
        &self,
        train: (&Matrix, TargetRef<'_>),
        valid: (&Matrix, TargetRef<'_>),
    ) -> Option<crate::trees::RoundCurve> {
        let _ = (train, valid);
        None
    }
}

/// A family as the registry lists it: what can be known without its hyperparameters.
/// Implemented for every [`ModelFamily`] (through [`Def`]).
pub trait FamilyDef: Sync {
    /// Machine name.
    fn name(&self) -> &'static str;
    /// Name for people.
    fn label(&self) -> &'static str;
    /// Whether it learns classes (`true`) or values (`false`).
    fn supports(&self, classification: bool) -> bool;
    /// Its hyperparameter space for a task.
    fn space(&self, classification: bool) -> Vec<ParamDef>;
    /// A spec from its hyperparameters as a JSON object (names of its struct).
    fn spec_from_json(&self, params: Map<String, Value>) -> serde_json::Result<ModelSpec>;
}

/// The registry's entry of the family `F`.
pub struct Def<F>(pub PhantomData<fn() -> F>);

impl<F: ModelFamily> FamilyDef for Def<F> {
    fn name(&self) -> &'static str {
        F::NAME
    }

    fn label(&self) -> &'static str {
        F::LABEL
    }

    fn supports(&self, classification: bool) -> bool {
        F::supports(classification)
    }

    fn space(&self, classification: bool) -> Vec<ParamDef> {
        F::space(classification)
    }

    fn spec_from_json(&self, mut params: Map<String, Value>) -> serde_json::Result<ModelSpec> {
        // read as the tagged spec, the way a saved one is read
        params.insert("family".into(), Value::from(F::NAME));
        serde_json::from_value(Value::Object(params))
    }
}

/// A registered model family: a cheap handle (compared by name) to its [`FamilyDef`].
#[derive(Clone, Copy)]
pub struct Family(pub &'static dyn FamilyDef);

impl Family {
    /// The family of `F`.
    pub fn of<F: ModelFamily>() -> Family {
        Family(&Def::<F>(PhantomData))
    }

    /// Every registered family, in the registry's order.
    pub fn all() -> impl Iterator<Item = Family> {
        super::registry::FAMILIES.iter().map(|&d| Family(d))
    }

    /// The families for a task, in the registry's order.
    pub fn for_task(classification: bool) -> Vec<Family> {
        Family::all()
            .filter(|f| f.supports(classification))
            .collect()
    }

    /// The family named `name` (its machine name); an error naming the known ones otherwise.
    pub fn named(name: &str) -> Result<Family> {
        Family::all()
            .find(|f| f.name() == name)
            .ok_or_else(|| AutoMlError::UnknownFamily {
                family: name.into(),
                known: Family::all().map(|f| f.name().to_string()).collect(),
            })
    }
}

impl std::ops::Deref for Family {
    type Target = dyn FamilyDef;

    fn deref(&self) -> &Self::Target {
        self.0
    }
}

impl PartialEq for Family {
    fn eq(&self, other: &Family) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Family {}

impl std::hash::Hash for Family {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name().hash(state);
    }
}

impl Debug for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Family({})", self.name())
    }
}

/// A family's hyperparameters seen without their type: what [`ModelSpec`] dispatches to.
/// Implemented for every [`ModelFamily`].
pub trait Configured {
    /// Its family.
    fn family(&self) -> Family;
    /// See [`ModelFamily::cost_units`].
    fn cost_units(&self, rows: usize, cols: usize) -> f64;
    /// See [`ModelFamily::class_factor`].
    fn class_factor(&self, n_classes: usize) -> f64;
    /// See [`ModelFamily::task_cost_units`].
    fn task_cost_units(&self, rows: usize, cols: usize, n_classes: usize) -> f64;
    /// See [`ModelFamily::fit`].
    fn fit(&self, input: &FitInput<'_>) -> Result<Inner>;
    /// See [`ModelFamily::fit_levels`].
    fn fit_levels(&self, input: &FitInput<'_>, levels: &Levels) -> Result<Inner>;
}

impl<F: ModelFamily> Configured for F {
    fn family(&self) -> Family {
        Family::of::<F>()
    }

    fn cost_units(&self, rows: usize, cols: usize) -> f64 {
        ModelFamily::cost_units(self, rows, cols)
    }

    fn class_factor(&self, n_classes: usize) -> f64 {
        ModelFamily::class_factor(self, n_classes)
    }

    fn task_cost_units(&self, rows: usize, cols: usize, n_classes: usize) -> f64 {
        ModelFamily::task_cost_units(self, rows, cols, n_classes)
    }

    fn fit(&self, input: &FitInput<'_>) -> Result<Inner> {
        ModelFamily::fit(self, input)
    }

    fn fit_levels(&self, input: &FitInput<'_>, levels: &Levels) -> Result<Inner> {
        ModelFamily::fit_levels(self, input, levels)
    }
}

impl<T: Predictor + ?Sized> Predictor for Box<T> {
    fn proba(&self, x: &Matrix, n_classes: usize) -> Result<Vec<f64>> {
        (**self).proba(x, n_classes)
    }

    fn values(&self, x: &Matrix) -> Result<Vec<f64>> {
        (**self).values(x)
    }

    fn fits(&self, n_features: usize, n_classes: usize) -> bool {
        (**self).fits(n_features, n_classes)
    }

    fn tree_parts(&self) -> Option<TreeParts<'_>> {
        (**self).tree_parts()
    }

    fn network(&self) -> Option<super::neural_network::NetworkTrace> {
        (**self).network()
    }

    fn round_curve(
        &self,
        train: (&Matrix, TargetRef<'_>),
        valid: (&Matrix, TargetRef<'_>),
    ) -> Option<crate::trees::RoundCurve> {
        (**self).round_curve(train, valid)
    }
}
