//! The registry: every model family, listed once, in the order the search goes through them.
//!
//! Each line names a family's variant of [`ModelSpec`] and its hyperparameter struct (a
//! [`ModelFamily`](super::ModelFamily)), and after `=>` the fitted forms the family brings
//! (variants of [`Inner`], each a type implementing [`Predictor`]); families that share a form
//! (ridge, lasso and elastic net fit a `Linear` model) list none. From this one list the macro
//! makes [`ModelSpec`] (the serialized configuration: `{"family": "<name>", ...its fields}`),
//! [`Inner`] (the serialized fitted form: `{"<Form>": ...}`), [`FAMILIES`], and the dispatch
//! from a spec or a fitted form to its family's code. Both serialized shapes are those of the
//! hand-written enums they replace, so model files of earlier versions load unchanged.
//!
//! Adding a family: write its file (hyperparameter struct implementing `ModelFamily`, its
//! fitted form implementing [`Predictor`]), declare the module in `models/mod.rs`, and add its
//! line here. The variant's snake_case name must be the family's `ModelFamily::NAME` (a unit
//! test checks every family).

use super::family::{Configured, Def, FamilyDef, Predictor};
use super::{boosting, constant, forests, knn, linear, logistic, naive_bayes, neural_network, svm};
use crate::trees::{ForestClassifier, ForestRegressor, GbmClassifier, GbmRegressor};
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

macro_rules! registry {
    ($(
        $variant:ident($family:ty) $(=> [$($form:ident($fitted:ty)),* $(,)?])?;
    )*) => {
        /// A model family with its hyperparameters: plain data, checked when fitted. Fields a
        /// task does not use (class weighting in regression, `epsilon` in classification) are
        /// ignored. Serialized as `{"family": "<machine name>", ...the hyperparameters}`.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "family", rename_all = "snake_case")]
        pub enum ModelSpec {
            $(
                #[doc = concat!("See [`", stringify!($family), "`].")]
                $variant($family),
            )*
        }

        /// A fitted model's form (the same form serves several families: a `Linear` model
        /// is a fitted ridge, lasso, elastic net or least squares). Serialized by form name.
        #[derive(Debug, Serialize, Deserialize)]
        pub enum Inner {
            $($($(
                #[doc = concat!("See [`", stringify!($fitted), "`].")]
                $form($fitted),
            )*)?)*
        }

        /// Every family, in the order the search goes through them.
        pub static FAMILIES: &[&dyn FamilyDef] = &[$(&Def::<$family>(PhantomData),)*];

        impl ModelSpec {
            /// The spec's family code, without its type.
            pub(super) fn configured(&self) -> &dyn Configured {
                match self {
                    $(ModelSpec::$variant(p) => p,)*
                }
            }
        }

        impl Inner {
            /// How this form predicts.
            pub(super) fn predictor(&self) -> &dyn Predictor {
                match self {
                    $($($(Inner::$form(m) => m,)*)?)*
                }
            }
        }

        $(
            impl From<$family> for ModelSpec {
                fn from(p: $family) -> ModelSpec {
                    ModelSpec::$variant(p)
                }
            }
        )*

        $($($(
            impl From<$fitted> for Inner {
                fn from(m: $fitted) -> Inner {
                    Inner::$form(m)
                }
            }
        )*)?)*
    };
}

registry! {
    Constant(constant::Constant) => [
        ConstantClasses(constant::Priors),
        ConstantValue(constant::Mean),
    ];
    LogisticRegression(logistic::LogisticRegression) => [Logistic(logistic::LinearClassifier)];
    GaussianNb(naive_bayes::GaussianNb) => [GaussianNb(naive_bayes::GaussianNbModel)];
    CategoricalNb(naive_bayes::CategoricalNb) => [CategoricalNb(naive_bayes::CategoricalNbModel)];
    LinearRegression(linear::LinearRegression) => [Linear(linear::LinearRegressor)];
    Ridge(linear::Ridge);
    Lasso(linear::Lasso);
    ElasticNet(linear::ElasticNet);
    Knn(knn::Knn) => [Knn(knn::KnnModel)];
    Svm(svm::Svm) => [Svm(svm::SvmModel)];
    DecisionTree(forests::DecisionTree) => [
        ForestClassifier(Box<ForestClassifier>),
        ForestRegressor(Box<ForestRegressor>),
    ];
    RandomForest(forests::RandomForest);
    ExtraTrees(forests::ExtraTrees);
    GradientBoosting(boosting::GradientBoosting) => [
        GbmClassifier(Box<GbmClassifier>),
        GbmRegressor(Box<GbmRegressor>),
    ];
    NeuralNetwork(neural_network::NeuralNetwork) => [
        Network(Box<neural_network::NetworkModel>),
    ];
}
