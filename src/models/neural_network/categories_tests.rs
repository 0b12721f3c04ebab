//! Learned embeddings: a hand-built network's exact outputs, the exact gradient of the
//! embedding rows, levels read back from the pipeline's inputs as it wrote them, a seeded
//! accuracy threshold where a many-level category carries the signal, and the model file.

use super::super::dense::layout;
use super::super::{Activation, Curve, Embed, NetworkModel, NeuralNetwork};
use super::*;
use crate::data::read_csv;
use crate::models::{FittedModel, ModelSpec, Prediction, Predictor};
use crate::preprocess::{Frame, Levels, Pipeline};
use crate::truth::TargetRef;

/// A regression network by hand: input 0 a number, inputs 1–9 the one-hot inputs of a
/// 9-level column embedded in 8 numbers; one ReLU unit reading `0.5 x + e₀ + 2 e₁`, a head
/// `h + 0.5`. Level `c`'s embedding is `[c / 8, 0, …]`, level 3's `[0.25, 0.5, 0, …]`.
fn hand_built() -> NetworkModel {
    let dims = vec![10 + EMBED_DIM, 1];
    let (layers, first) = layout(&dims, 1, 1);
    let emb = Embedding {
        input: LevelInput {
            offset: 1,
            width: 9,
            levels: 9,
            read: LevelRead::OneHot,
        },
        at: first,
        rows: 10,
        map: (0..=9).collect(),
    };
    let mut params = vec![0.0 as F; first + emb.size()];
    params[..dims[0]].iter_mut().for_each(|s| *s = 1.0);
    let hidden = layers[0];
    params[hidden.w] = 0.5;
    params[hidden.w + 10] = 1.0;
    params[hidden.w + 11] = 2.0;
    params[layers[1].w] = 1.0;
    params[layers[1].b] = 0.5;
    for c in 1..=9 {
        params[first + c * EMBED_DIM] = c as F / 8.0;
    }
    params[first + 3 * EMBED_DIM] = 0.25;
    params[first + 3 * EMBED_DIM + 1] = 0.5;
    NetworkModel {
        n_classes: 0,
        center: vec![0.0; 10],
        scale: vec![1.0; 10],
        embed: vec![Embed::Plain; 10],
        dims,
        members: 1,
        activation: Activation::Relu,
        params,
        target: [0.0, 1.0, -100.0, 100.0],
        curve: Curve {
            train: Vec::new(),
            valid: Vec::new(),
            best: 0,
        },
        embeddings: vec![emb],
        shares: Vec::new(),
    }
}

#[test]
fn a_hand_built_network_reads_each_level_s_embedding() {
    let model = hand_built();
    assert!(model.fits(10, 0));
    // level 3; no level (unseen); level 8; level 3 with x = 1 (smoothly clipped to 3/√10)
    let mut data = vec![0.0; 4 * 10];
    data[3] = 1.0;
    data[20 + 8] = 1.0;
    data[30] = 1.0;
    data[30 + 3] = 1.0;
    let x = Matrix {
        rows: 4,
        cols: 10,
        data,
    };
    assert_eq!(read_codes(&model.embeddings, &x), [3, 0, 8, 3]);
    let v = model.values(&x).unwrap();
    let one = 1.0f64;
    let clipped = (one / (1.0 + (one / 3.0) * (one / 3.0)).sqrt()) as F;
    assert_eq!(
        v,
        [
            1.75,
            0.5,
            1.5,
            (((0.5 * clipped + 0.25) + 1.0) + 0.5) as f64
        ],
        "{v:?}"
    );
    // the model file keeps the embeddings and predicts the same after loading
    let text = serde_json::to_string(&model).unwrap();
    let back: NetworkModel = serde_json::from_str(&text).unwrap();
    assert_eq!(back, model);
    assert_eq!(back.values(&x).unwrap(), v);
    // a table that does not fit the weights is refused, not used
    let mut short = model.clone();
    short.params.pop();
    assert!(!short.fits(10, 0));
    let mut outside = model;
    outside.embeddings[0].input.offset = 2;
    assert!(!outside.fits(10, 0));
}

#[test]
fn an_embedding_row_s_gradient_is_the_sum_over_members_of_its_inputs_gradient_times_scale() {
    let emb = [Embedding {
        input: LevelInput {
            offset: 0,
            width: 2,
            levels: 2,
            read: LevelRead::OneHot,
        },
        at: 4,
        rows: 3,
        map: vec![0, 1, 2],
    }];
    let d0 = 2 + EMBED_DIM;
    // member 0's scales 1, member 1's -2; two rows, of levels 2 and 0 (unknown)
    let mut scales = vec![1.0 as F; d0];
    scales.extend(vec![-2.0 as F; d0]);
    let (rows, members) = (2, 2);
    let dh: Vec<F> = (0..members * rows * d0).map(|i| i as F / 4.0).collect();
    let mut grad = vec![0.0 as F; 4 + emb[0].size()];
    backward(&emb, &[2, 0], &dh, &scales, rows, members, d0, &mut grad);
    for j in 0..EMBED_DIM {
        // row 0 of member 0 is dh[0..10], of member 1 dh[20..30]; the embedding from input 2
        let want = (2 + j) as F / 4.0 * 1.0 + (20 + 2 + j) as F / 4.0 * -2.0;
        assert_eq!(grad[4 + 2 * EMBED_DIM + j], want, "number {j}");
        let unknown = (10 + 2 + j) as F / 4.0 + (30 + 2 + j) as F / 4.0 * -2.0;
        assert_eq!(grad[4 + j], unknown);
        assert_eq!(grad[4 + EMBED_DIM + j], 0.0, "level 1 was in no row");
    }
    assert_eq!(&grad[..4], &[0.0; 4]);
}

/// A table where a 40-level category carries the signal through an interaction: the label is
/// whether `x > 0`, turned round for the odd-numbered levels, so that every level has about as
/// many of each label and its frequency and target mean say nothing; 5% of labels flipped at
/// random, 2% of the categories missing. The labels, and the CSV text (label last).
pub(crate) fn level_table(n: usize, seed: u64) -> (String, Vec<u32>) {
    let mut state = seed;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut csv = String::from("x,noise,city,label\n");
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let (x, noise) = (next() * 4.0 - 2.0, next());
        let level = (next() * 40.0) as usize % 40;
        let missing = next() < 0.02;
        let turned = !missing && level % 2 == 1;
        let label = ((x > 0.0) != turned) != (next() < 0.05);
        let city = if missing {
            String::new()
        } else {
            format!("c{level:02}")
        };
        csv.push_str(&format!("{x:.4},{noise:.4},{city},{}\n", u8::from(label)));
        labels.push(u32::from(label));
    }
    (csv, labels)
}

/// Training and test inputs of `level_table` (the first 80% of the rows for training), the
/// training rows' levels and both sides' labels.
fn level_split() -> (Matrix, Levels, Vec<u32>, Matrix, Vec<u32>) {
    let (csv, labels) = level_table(1_200, 2026);
    let t = read_csv(csv.as_bytes(), "levels.csv").unwrap();
    let frame = Frame::from_table(&t, 3);
    let train: Vec<usize> = (0..960).collect();
    let test: Vec<usize> = (960..1_200).collect();
    let y_train: Vec<u32> = labels[..960].to_vec();
    let target = TargetRef::Classes {
        y: &y_train,
        n_classes: 2,
    };
    let (pipeline, x_train) = Pipeline::fit_transform(&frame, &train, Some(target), 5);
    let levels = pipeline.levels(&frame, &train);
    let x_test = pipeline.transform(&frame, &test);
    (x_train, levels, y_train, x_test, labels[960..].to_vec())
}

#[test]
fn the_pipeline_s_levels_are_read_back_from_its_inputs_on_new_rows() {
    // a 10-level column (one-hot by the pipeline) and a 20-level one (frequency and target
    // mean); row 0 of the new rows has levels training never saw
    let mut csv = String::from("shade,city,y\n");
    for i in 0..200 {
        csv.push_str(&format!("s{},c{},{}\n", i % 10, (i * 7) % 20, (i / 3) % 2));
    }
    let t = read_csv(csv.as_bytes(), "t.csv").unwrap();
    let frame = Frame::from_table(&t, 2);
    let rows: Vec<usize> = (0..200).collect();
    let y: Vec<u32> = (0..200).map(|i| ((i / 3) % 2) as u32).collect();
    let target = TargetRef::Classes {
        y: &y,
        n_classes: 2,
    };
    let (pipeline, _) = Pipeline::fit_transform(&frame, &rows, Some(target), 1);
    let levels = pipeline.levels(&frame, &rows);
    assert_eq!(levels.inputs.len(), 2);
    assert_eq!(
        (
            levels.inputs[0].offset,
            levels.inputs[0].width,
            levels.inputs[0].levels
        ),
        (0, 10, 10)
    );
    assert_eq!(levels.inputs[0].read, LevelRead::OneHot);
    assert_eq!(
        (
            levels.inputs[1].offset,
            levels.inputs[1].width,
            levels.inputs[1].levels
        ),
        (10, 2, 20)
    );
    let embeddings: Vec<Embedding> = levels
        .inputs
        .iter()
        .map(|input| Embedding {
            input: input.clone(),
            at: 0,
            rows: input.levels + 1,
            map: canonical(input),
        })
        .collect();
    let maps: Vec<Vec<u32>> = levels.inputs.iter().map(canonical).collect();
    let want: Vec<u32> = levels
        .codes
        .iter()
        .enumerate()
        .map(|(j, &c)| maps[j % 2][c as usize])
        .collect();
    assert!(want.iter().all(|&c| c > 0));
    let x = pipeline.transform(&frame, &rows);
    assert_eq!(read_codes(&embeddings, &x), want);
    let new = read_csv(b"shade,city,y\ns99,c99,0\ns3,c7,1\n", "new.csv").unwrap();
    let new_frame = Frame::for_schema(&new, &pipeline.specs).unwrap();
    let x = pipeline.transform(&new_frame, &[0, 1]);
    let codes = read_codes(&embeddings, &x);
    assert_eq!(&codes[..2], &[0, 0]);
    let known = pipeline.levels(&new_frame, &[1]).codes;
    assert_eq!(codes[2], maps[0][known[0] as usize]);
    assert_eq!(codes[3], maps[1][known[1] as usize]);
    assert!(codes[2] > 0 && codes[3] > 0);
}

fn network(epochs: usize) -> NeuralNetwork {
    NeuralNetwork {
        depth: 2,
        width: 64,
        shape: "constant".into(),
        activation: "relu".into(),
        embedding: "none".into(),
        members: 1,
        dropout: 0.0,
        weight_decay: 0.02,
        learning_rate: 0.005,
        batch_size: 64,
        epochs,
        class_weight: Default::default(),
    }
}

fn accuracy(model: &FittedModel, x: &Matrix, y: &[u32]) -> f64 {
    let Prediction::Classes(p) = model.predict(x).unwrap() else {
        panic!("values")
    };
    p.iter().zip(y).filter(|(a, b)| a == b).count() as f64 / y.len() as f64
}

#[test]
fn embeddings_learn_a_category_that_its_frequency_and_target_mean_cannot_show() {
    let (x_train, levels, y_train, x_test, y_test) = level_split();
    assert_eq!(levels.inputs.len(), 1);
    assert!(
        levels.inputs[0].levels >= 40,
        "{:?}",
        levels.inputs[0].levels
    );
    let spec = ModelSpec::from(network(40));
    let target = TargetRef::Classes {
        y: &y_train,
        n_classes: 2,
    };
    let embedded = spec.fit_levels(&x_train, Some(&levels), target, 3).unwrap();
    let plain = spec.fit(&x_train, target, 3).unwrap();
    let (with, without) = (
        accuracy(&embedded, &x_test, &y_test),
        accuracy(&plain, &x_test, &y_test),
    );
    // (measured: 0.800 with, 0.621 without; 5% of the labels are flipped at random)
    eprintln!("with embeddings {with}, without {without}");
    assert!(with >= 0.78, "with embeddings {with}, without {without}");
    assert!(without <= 0.7, "with embeddings {with}, without {without}");
    assert!(
        with - without >= 0.15,
        "with embeddings {with}, without {without}"
    );
    // the trace shows the embedding: 41 levels (40 and the missing one) and the unknown one,
    // 8 numbers each
    let trace = embedded.network().unwrap();
    // (every level has at least MIN_LEVEL_ROWS rows here, but levels with the same frequency
    // and target mean are one level on new rows, so they share a row)
    assert_eq!(trace.embeddings.len(), 1);
    let [rows, dim] = trace.embeddings[0];
    assert!(
        (30..=levels.inputs[0].levels + 1).contains(&rows) && dim == EMBED_DIM,
        "{rows}"
    );
    assert_eq!(trace.layers[0], x_train.cols + EMBED_DIM);
    assert!(plain.network().unwrap().embeddings.is_empty());
    // the same seed, the same bits; through the model file, the same predictions
    let again = spec.fit_levels(&x_train, Some(&levels), target, 3).unwrap();
    let p = embedded.predict_proba(&x_test).unwrap().unwrap();
    assert_eq!(again.predict_proba(&x_test).unwrap().unwrap(), p);
    let text = serde_json::to_string(&embedded).unwrap();
    let back: FittedModel = serde_json::from_str(&text).unwrap();
    back.check_parts().unwrap();
    assert_eq!(back.predict_proba(&x_test).unwrap().unwrap(), p);
}

#[test]
fn levels_that_do_not_describe_the_inputs_are_an_error_not_a_panic() {
    let (x_train, mut levels, y_train, _, _) = level_split();
    let target = TargetRef::Classes {
        y: &y_train,
        n_classes: 2,
    };
    let spec = ModelSpec::from(network(2));
    levels.codes.pop();
    assert!(spec.fit_levels(&x_train, Some(&levels), target, 3).is_err());
    levels.codes.push(999);
    assert!(spec.fit_levels(&x_train, Some(&levels), target, 3).is_err());
    levels.codes.pop();
    levels.codes.push(0);
    levels.inputs[0].offset = x_train.cols;
    assert!(spec.fit_levels(&x_train, Some(&levels), target, 3).is_err());
}

#[test]
fn rare_levels_share_the_unknown_row_and_levels_read_the_same_share_one_row() {
    // levels 1 to 4: level 1 on 5 rows, level 2 on 4 (rare: the unknown row), level 3 on 5
    // with the inputs of level 1 (one level on new rows: its row), level 4 on 6
    let input = LevelInput {
        offset: 0,
        width: 2,
        levels: 4,
        read: LevelRead::Keys(vec![
            vec![0.3, 0.5],
            vec![0.2, 0.1],
            vec![0.3, 0.5],
            vec![0.25, 0.9],
        ]),
    };
    let codes = [
        1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 0,
    ];
    let (map, rows) = table_rows(&input, codes.iter().copied());
    assert_eq!((&map[..], rows), (&[0, 1, 0, 1, 2][..], 3));
    // on new rows: level 3's inputs read as its row, level 2's as the unknown row
    let e = [Embedding {
        input,
        at: 0,
        rows,
        map,
    }];
    let x = Matrix {
        rows: 4,
        cols: 2,
        data: vec![0.3, 0.5, 0.2, 0.1, 0.25, 0.9, 0.7, 0.7],
    };
    assert_eq!(read_codes(&e, &x), [1, 0, 2, 0]);
}
