use super::*;
use crate::data::read_csv;

fn frame(text: &str) -> (Table, Frame) {
    let t = read_csv(text.as_bytes(), "t.csv").unwrap();
    let target = t.names.len() - 1;
    let f = Frame::from_table(&t, target);
    (t, f)
}

#[test]
fn statistics_come_from_training_rows_only() {
    let (_, f) = frame("x,c,y\n1,a,0\n3,b,1\nNA,a,0\n100,c,1\n");
    let p = Pipeline::fit(&f, &[0, 1, 2], None);
    // median of 1 and 3 is 2; row 3 (100, "c") was not seen.
    assert_eq!(p.feature_names, ["x", "x was missing", "c = a", "c = b"]);
    let (m, unseen) = p.transform_report(&f, &[2, 3]);
    let Step::Numeric { scaled, .. } = &p.steps[0] else {
        panic!()
    };
    assert_eq!(scaled.mean, 2.0);
    assert!((m.row(0)[0] - 0.0).abs() < 1e-12);
    assert!((m.row(1)[0] - (100.0 - 2.0) / scaled.scale).abs() < 1e-12);
    assert_eq!(&m.row(0)[1..], &[1.0, 1.0, 0.0]);
    // unseen level "c" gives all zeros, and is reported
    assert_eq!(&m.row(1)[1..], &[0.0, 0.0, 0.0]);
    assert_eq!(unseen, [("c".to_string(), 1)]);
}

#[test]
fn identifiers_constants_and_exclusions_are_left_out_with_notes() {
    let mut text = String::from("id,k,v,w,y\n");
    for i in 0..30 {
        text.push_str(&format!("{i},same,{},{},{}\n", i % 7, i % 3, i % 2));
    }
    let t = read_csv(text.as_bytes(), "t.csv").unwrap();
    let choices = ColumnChoices {
        exclude: vec!["w".into()],
        ..Default::default()
    };
    let f = Frame::with_choices(&t, 4, &choices);
    assert_eq!(
        f.specs.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["v"]
    );
    assert_eq!(f.notes.len(), 3, "{:?}", f.notes);
}

#[test]
fn type_overrides_apply() {
    let (t, _) = frame("zip,y\n10115,1\n20095,0\n10115,1\n80331,0\n");
    let choices = ColumnChoices {
        column_types: BTreeMap::from([("zip".to_string(), ColumnKind::Categorical)]),
        ..Default::default()
    };
    let f = Frame::with_choices(&t, 1, &choices);
    assert!(matches!(&f.columns[0], FrameColumn::Categorical { levels, .. } if levels.len() == 3));
    let p = Pipeline::fit(&f, &[0, 1, 2, 3], None);
    assert_eq!(p.n_features(), 3);
    // a kind that reads almost nothing leaves the column out, with a note
    let (t, _) = frame("sex,y\nmale,1\nfemale,0\nmale,1\n7,0\n");
    let choices = ColumnChoices {
        column_types: BTreeMap::from([("sex".to_string(), ColumnKind::Numeric)]),
        ..Default::default()
    };
    let f = Frame::with_choices(&t, 1, &choices);
    assert!(f.columns.is_empty());
    let notes: Vec<String> = f.notes.iter().map(|n| n.to_string()).collect();
    assert_eq!(notes, ["Column \"sex\" was left out: 3 of its 4 values could not be read as numeric. Choose another type for it."]);
}

#[test]
fn many_left_out_columns_give_one_note() {
    let mut text = format!("{}y\n", ",".repeat(12));
    for i in 0..12 {
        text.push_str(&format!("{}{}\n", ",".repeat(12), i % 2));
    }
    let (_, f) = frame(&text);
    assert_eq!(f.notes.len(), 1, "{:?}", f.notes);
    assert!(
        f.notes[0]
            .to_string()
            .starts_with("12 columns were left out"),
        "{:?}",
        f.notes
    );
    assert!(
        f.notes[0].to_string().contains("and 7 more"),
        "{:?}",
        f.notes
    );
}

/// Regression: values near f64::MAX made the mean overflow to infinity, and every model
/// then refused the non-finite inputs (tests/data/hostile/extreme_numbers_features.csv).
#[test]
fn numbers_near_the_largest_float_standardize_to_finite_inputs() {
    let (_, f) = frame("a,b,y\n1.7976931348623157e308,1,0\n1.7976931348623157e308,2,1\n-1.7976931348623157e308,3,0\n1e308,4,1\n");
    let p = Pipeline::fit(&f, &[0, 1, 2], None);
    let m = p.transform(&f, &[0, 1, 2, 3]);
    assert!(m.data.iter().all(|v| v.is_finite()), "{:?}", m.data);
    // An unseen value far outside a tiny training spread is clipped, not infinite.
    let (_, f) = frame("a,y\n1,0\n1.00000000001,1\n1e300,0\n");
    let p = Pipeline::fit(&f, &[0, 1], None);
    let m = p.transform(&f, &[2]);
    assert_eq!(m.data, [MAX_STANDARDIZED]);
}

#[test]
fn missing_categories_take_the_most_frequent_level() {
    let (_, f) = frame("c,y\nb,0\nb,1\na,0\n,1\n");
    let p = Pipeline::fit(&f, &[0, 1, 2, 3], None);
    let m = p.transform(&f, &[3]);
    assert_eq!(p.feature_names, ["c = b", "c = a"]);
    assert_eq!(m.data, [1.0, 0.0]);
}

#[test]
fn dates_become_parts() {
    let (_, f) = frame("when,y\n2024-01-01,1\n2024-01-02,2\n2024-01-08 10:00,3\n,4\n");
    let p = Pipeline::fit(&f, &[0, 1, 2, 3], None);
    assert_eq!(p.feature_names[0], "when (days)");
    assert!(p.feature_names.contains(&"when (weekday)".to_string()));
    assert!(p.feature_names.contains(&"when (hour)".to_string()));
    assert_eq!(p.feature_names.last().unwrap(), "when was missing");
    let Step::Date { parts, .. } = &p.steps[0] else {
        panic!()
    };
    let weekday = parts.iter().find(|(k, _)| *k == DatePart::Weekday).unwrap();
    // 2024-01-01 and 2024-01-08 are Mondays (0), 01-02 a Tuesday (1); the median fills the gap
    assert_eq!(weekday.1.fill, 0.0);
}

#[test]
fn many_levels_get_frequency_and_out_of_fold_target_encoding() {
    let mut text = String::from("c,y\n");
    for i in 0..200 {
        // level L0..L39; the target is 1 for even levels
        let level = i % 40;
        text.push_str(&format!("L{level},{}\n", level % 2));
    }
    let (_, f) = frame(&text);
    let rows: Vec<usize> = (0..200).collect();
    let y: Vec<u32> = (0..200).map(|i| ((i % 40) % 2) as u32).collect();
    let (p, train) = Pipeline::fit_transform(
        &f,
        &rows,
        Some(TargetRef::Classes {
            y: &y,
            n_classes: 2,
        }),
        1,
    );
    assert_eq!(p.feature_names, ["c (frequency)", "c (target mean)"]);
    let Step::Encoded { table, prior, .. } = &p.steps[0] else {
        panic!()
    };
    assert_eq!(prior, &[0.5]);
    // 5 rows of L1 with target 1 each, smoothed toward 0.5 by 10 pseudo-rows
    let (freq, means) = &table["L1"];
    assert!(
        (freq - 0.025).abs() < 1e-12 && (means[0] - (5.0 + 5.0) / 15.0).abs() < 1e-12,
        "{freq} {means:?}"
    );
    // out of fold: a training row's encoding leaves out its own fold, so it differs from
    // the full-data encoding the other rows get
    let full = p.transform(&f, &rows);
    assert_ne!(train.data, full.data);
    assert!(train.data.iter().all(|v| v.is_finite()));
}
