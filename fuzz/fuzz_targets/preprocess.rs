//! Fuzz target: arbitrary bytes read as a table, then the preprocessing a search does: the
//! typed `Frame` (last column as target), and a `Pipeline` fitted (with out-of-fold target
//! encoding) on the even rows and applied to all rows. No panic, and the matrix has the promised shape and only finite numbers.
#![no_main]

use automl::preprocess::{Frame, Pipeline, TargetRef};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(table) = automl::read_csv(data, "fuzz.csv") else {
        return;
    };
    let target = table.names.len().saturating_sub(1);
    let frame = Frame::from_table(&table, target);
    let all: Vec<usize> = (0..table.n_rows()).collect();
    let train: Vec<usize> = all.iter().copied().filter(|r| r % 2 == 0).collect();
    // a made-up class target exercises target encoding of many-level columns as well
    let y: Vec<u32> = train.iter().map(|r| (r % 3) as u32).collect();
    let (pipeline, x_train) = Pipeline::fit_transform(
        &frame,
        &train,
        Some(TargetRef::Classes {
            y: &y,
            n_classes: 3,
        }),
        7,
    );
    assert_eq!(x_train.rows, train.len());
    assert!(
        x_train.data.iter().all(|v| v.is_finite()),
        "non-finite training input"
    );
    let x = pipeline.transform(&frame, &all);
    assert_eq!(x.rows, all.len());
    assert_eq!(x.cols, pipeline.n_features());
    assert_eq!(x.data.len(), x.rows * x.cols);
    assert!(
        x.data.iter().all(|v| v.is_finite()),
        "non-finite model input"
    );
});
