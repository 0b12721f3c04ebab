//! Integration tests of data understanding through the public API: workbooks, formats,
//! column choices, schemas for new data, and a large file.

mod common;
use common::quiet;

use automl::clock::SystemClock;
use automl::data::{detect_schema, ColumnKind};
use automl::preprocess::{ColumnChoices, Frame, Pipeline};
use automl::search::{run_search, SearchSettings};
use automl::{inspect, read_csv, read_table, AutoMlError, ReadOptions};
use std::collections::BTreeMap;

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn workbook_sheets_are_listed_and_chosen() {
    let bytes = data("two_sheets.xlsx");
    let first = read_table(
        &bytes,
        "two_sheets.xlsx",
        &ReadOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(first.sheets, ["first", "second"]);
    assert_eq!(first.sheet.as_deref(), Some("first"));
    assert_eq!(
        (first.names.clone(), first.n_rows()),
        (vec!["a".to_string(), "b".into(), "label".into()], 30)
    );
    let second = read_table(
        &bytes,
        "two_sheets.xlsx",
        &ReadOptions {
            sheet: Some("second".into()),
        },
        &mut |_| {},
    )
    .unwrap();
    let ins = inspect(&second);
    let kinds: Vec<ColumnKind> = ins.columns.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            ColumnKind::Identifier,
            ColumnKind::Datetime,
            ColumnKind::Categorical,
            ColumnKind::Numeric
        ]
    );
    assert_eq!(second.columns[1].get(0), "2024-01-01");
    let e = read_table(
        &bytes,
        "two_sheets.xlsx",
        &ReadOptions {
            sheet: Some("third".into()),
        },
        &mut |_| {},
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("no sheet \"third\"; its sheets are first, second"),
        "{e}"
    );
}

#[test]
fn european_csv_with_dates_is_understood() {
    let mut text = String::from("day;price;city;sold\n");
    for i in 0..40 {
        text.push_str(&format!(
            "{:02}.03.2024;{},{};{};{}\n",
            1 + i % 28,
            1000 + i * 13,
            i % 10,
            ["Köln", "Wien"][i % 2],
            i % 3
        ));
    }
    let t = read_csv(text.as_bytes(), "eu.csv").unwrap();
    let ins = inspect(&t);
    let kinds: Vec<ColumnKind> = ins.columns.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds[..3],
        [
            ColumnKind::Datetime,
            ColumnKind::Numeric,
            ColumnKind::Categorical
        ]
    );
    assert!(
        ins.notes
            .iter()
            .any(|n| n.to_string().contains("separated by semicolons")),
        "{:?}",
        ins.notes
    );
    assert!(
        ins.notes.iter().any(|n| n
            .to_string()
            .contains("\"price\" was read as numbers with a decimal comma")),
        "{:?}",
        ins.notes
    );
    let schema = detect_schema(&t);
    let frame = Frame::from_table(&t, 3);
    let rows: Vec<usize> = (0..40).collect();
    let p = Pipeline::fit(&frame, &rows, None);
    assert!(
        p.feature_names.contains(&"day (weekday)".to_string()),
        "{:?}",
        p.feature_names
    );
    assert_eq!(schema[1].name, "price");
}

#[test]
fn column_choices_change_what_the_search_uses() {
    let t = read_csv(&data("titanic.csv"), "titanic.csv").unwrap();
    let settings = SearchSettings {
        target: Some("Survived".into()),
        time_budget_s: None,
        max_trials: Some(3),
        columns: ColumnChoices {
            column_types: BTreeMap::from([("Pclass".into(), ColumnKind::Categorical)]),
            exclude: vec!["Fare".into(), "Ticket".into()],
        },
        ..Default::default()
    };
    let out = run_search(&t, &settings, &SystemClock::new(), &mut quiet).unwrap();
    let names = &out.model.pipeline.feature_names;
    assert!(names.contains(&"Pclass = 3".to_string()), "{names:?}");
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("Fare") || n.starts_with("Ticket")),
        "{names:?}"
    );
    assert!(out
        .result
        .notes
        .iter()
        .any(|n| n.to_string() == "Column \"Fare\" was left out, as you chose."));
    let bad = SearchSettings {
        columns: ColumnChoices {
            exclude: vec!["Nope".into()],
            ..Default::default()
        },
        ..settings
    };
    assert!(matches!(
        run_search(&t, &bad, &SystemClock::new(), &mut quiet).unwrap_err(),
        AutoMlError::UnknownColumn { .. }
    ));
}

#[test]
fn new_data_follows_the_training_schema_by_name() {
    let t = read_csv(b"a,b,y\n1,x,0\n2,y,1\n3,x,0\n4,y,1\n", "train.csv").unwrap();
    let frame = Frame::from_table(&t, 2);
    let p = Pipeline::fit(&frame, &[0, 1, 2, 3], None);
    // reordered columns and an extra one are fine
    let new = read_csv(b"extra,b,a\n9,y,10\n", "new.csv").unwrap();
    let f2 = Frame::for_schema(&new, &p.specs).unwrap();
    let (m, unseen) = p.transform_report(&f2, &[0]);
    assert_eq!(m.cols, p.n_features());
    assert!(unseen.is_empty());
    let missing = read_csv(b"b\ny\n", "new.csv").unwrap();
    let e = Frame::for_schema(&missing, &p.specs).unwrap_err();
    assert_eq!(
        e.to_string(),
        "The file \"new.csv\" has no column \"a\", which the model needs."
    );
}

#[test]
fn a_hundred_thousand_rows_by_fifty_columns_parse_with_progress() {
    let mut text = String::with_capacity(30_000_000);
    text.push_str(
        &(0..50)
            .map(|c| format!("c{c}"))
            .collect::<Vec<_>>()
            .join(","),
    );
    text.push('\n');
    for r in 0..100_000u64 {
        for c in 0..50u64 {
            if c > 0 {
                text.push(',');
            }
            text.push_str(&((r * 31 + c * 17) % 1000).to_string());
        }
        text.push('\n');
    }
    let mut reports = Vec::new();
    let t = read_table(
        text.as_bytes(),
        "big.csv",
        &ReadOptions::default(),
        &mut |f| reports.push(f),
    )
    .unwrap();
    assert_eq!((t.n_rows(), t.names.len()), (100_000, 50));
    assert!(
        reports.len() >= 5
            && reports.windows(2).all(|w| w[0] <= w[1])
            && reports.last() == Some(&1.0),
        "{reports:?}"
    );
}

#[test]
fn a_file_over_the_limit_is_refused_with_the_limit() {
    let big = vec![b'a'; automl::data::MAX_FILE_BYTES + 1];
    let e = read_csv(&big, "huge.csv").unwrap_err();
    assert!(
        e.to_string()
            .contains("more than the 100 MB this page can safely hold"),
        "{e}"
    );
}
