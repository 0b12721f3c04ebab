//! Integration tests of data understanding through the public API: workbooks, formats,
//! column choices, schemas for new data, and a large file.

mod common;
use common::quiet;

use automl::clock::SystemClock;
use automl::data::{detect_schema, ColumnKind, TextEncoding};
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
            ..Default::default()
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
            ..Default::default()
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

/// The Korean test files (tests/data/korean_sales_*.csv, made for these tests): the same table
/// saved as UTF-8, UTF-8 with a byte-order mark, and CP949 (what Korean Excel saves).
const KOREAN_HEADER: [&str; 6] = ["지역", "제품", "분기", "판매량", "단가", "평가"];

fn read_with(name: &str, encoding: Option<TextEncoding>) -> automl::Table {
    let options = ReadOptions {
        encoding,
        ..Default::default()
    };
    read_table(&data(name), name, &options, &mut |_| {}).unwrap()
}

fn codes(table: &automl::Table) -> Vec<String> {
    table.notes.iter().map(|n| n.code.clone()).collect()
}

#[test]
fn korean_files_read_the_same_in_utf8_with_a_bom_and_in_cp949() {
    for (name, encoding, notes) in [
        ("korean_sales_utf8.csv", TextEncoding::Utf8, vec![]),
        ("korean_sales_utf8_bom.csv", TextEncoding::Utf8, vec![]),
        (
            "korean_sales_cp949.csv",
            TextEncoding::EucKr,
            vec!["read.euc_kr".to_string()],
        ),
    ] {
        let t = read_with(name, None);
        assert_eq!(t.names, KOREAN_HEADER, "{name}");
        assert_eq!(t.n_rows(), 12, "{name}");
        assert_eq!(t.encoding, Some(encoding), "{name}");
        assert_eq!(codes(&t), notes, "{name}");
        let column = |c: usize| t.columns[c].iter().collect::<Vec<_>>();
        assert_eq!(column(0)[..3], ["서울", "부산", "대구"], "{name}");
        // 똠 is a CP949 extension syllable (0x8C63), outside EUC-KR's core
        assert_eq!(column(1)[9], "똠양꿍 소스", "{name}");
        assert_eq!(column(2)[11], "4분기", "{name}");
        assert_eq!(column(5)[..3], ["좋음", "보통", "좋음"], "{name}");
        let ins = inspect(&t);
        assert_eq!(ins.columns[3].kind, ColumnKind::Numeric, "{name}: 판매량");
        assert_eq!(ins.columns[0].kind, ColumnKind::Categorical, "{name}: 지역");
        assert_eq!(ins.encoding, Some(encoding));
    }
    let note = read_with("korean_sales_cp949.csv", None).notes[0].to_string();
    assert_eq!(
        note,
        "\"korean_sales_cp949.csv\" is not UTF-8 text; it was read as EUC-KR (CP949, Korean). \
         If the text looks wrong, choose another encoding, or save the file as UTF-8."
    );
}

#[test]
fn the_chosen_encoding_overrides_detection() {
    // CP949 bytes read as Windows-1252, as the person asked: no Hangul, and a note saying so.
    let t = read_with("korean_sales_cp949.csv", Some(TextEncoding::Windows1252));
    assert_eq!(t.encoding, Some(TextEncoding::Windows1252));
    assert_eq!(t.names[0], "Áö¿ª");
    assert_eq!(codes(&t), ["read.encoding_chosen"]);
    assert_eq!(
        t.notes[0].to_string(),
        "\"korean_sales_cp949.csv\" was read as Windows-1252 (Western European), as you chose."
    );
    // and back: the same bytes chosen as EUC-KR read right
    let t = read_with("korean_sales_cp949.csv", Some(TextEncoding::EucKr));
    assert_eq!(t.names, KOREAN_HEADER);
    assert_eq!(codes(&t), ["read.encoding_chosen"]);
    // a UTF-8 file chosen as EUC-KR is garbled, but read
    let t = read_with("korean_sales_utf8.csv", Some(TextEncoding::EucKr));
    assert_ne!(t.names, KOREAN_HEADER);
    // a workbook has no encoding
    let t = read_table(
        &data("two_sheets.xlsx"),
        "two_sheets.xlsx",
        &ReadOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(t.encoding, None);
}

#[test]
fn a_windows_1252_file_with_accents_is_still_read_as_windows_1252() {
    let t = read_with("latin_windows1252.csv", None);
    assert_eq!(t.encoding, Some(TextEncoding::Windows1252));
    assert_eq!(codes(&t), ["read.windows_1252"]);
    assert_eq!(t.names, ["Ville", "Catégorie", "Ventes", "Note"]);
    let cities: Vec<&str> = t.columns[0].iter().collect();
    assert_eq!(
        cities,
        [
            "Zürich",
            "São Paulo",
            "Köln",
            "Málaga",
            "Genève",
            "Ærøskøbing"
        ]
    );
    assert_eq!(t.columns[1].get(0), "Crème brûlée");
    assert_eq!(t.columns[1].get(1), "Ações");
    assert_eq!(t.columns[1].get(5), "Smørrebrød");
}
