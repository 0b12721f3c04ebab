//! The leaderboards a user gets must not change by accident: `automl fit DATA --max-trials 40
//! --json` on four samples (a trial budget and no time budget: deterministic) gives exactly the
//! committed leaderboards, timings aside. A change that is meant to move scores (new maths, a
//! new default) regenerates the fixtures in its own commit, with its benchmark:
//!
//! ```sh
//! UPDATE_LEADERBOARDS=1 cargo test --profile test-release --test leaderboards
//! ```

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

const CASES: [(&str, &str); 4] = [
    ("iris", "target"),
    ("titanic", "Survived"),
    ("penguins", "species"),
    ("diabetes", "target"),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The leaderboard without what depends on the machine's speed.
fn comparable(result: &Value) -> Value {
    let rows = result["leaderboard"].as_array().expect("a leaderboard");
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut r = r.clone();
            let r_obj = r.as_object_mut().expect("a row");
            r_obj.remove("fitTimeS");
            // the configuration the row reads back from (its params say the same)
            r_obj.remove("config");
            // boosting's loss per round: a view of the fitted trees, whose scores are compared
            r_obj.remove("boosting");
            r
        })
        .collect();
    serde_json::json!({
        "target": result["target"],
        "task": result["task"],
        "metric": result["metric"],
        "validation": result["validation"],
        "nFeatures": result["nFeatures"],
        "best": result["best"]["row"]["trial"],
        "leaderboard": rows,
    })
}

#[test]
fn forty_trials_give_the_committed_leaderboards() {
    let update = std::env::var_os("UPDATE_LEADERBOARDS").is_some();
    for (name, target) in CASES {
        let data = root().join("www/samples").join(format!("{name}.csv"));
        let out = Command::new(env!("CARGO_BIN_EXE_automl"))
            .arg("fit")
            .arg(&data)
            .args(["--target", target, "--max-trials", "40", "--json"])
            .output()
            .expect("the automl binary runs");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let result: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
        let got = comparable(&result);
        let fixture = root()
            .join("tests/data/leaderboards")
            .join(format!("{name}.json"));
        if update {
            std::fs::create_dir_all(fixture.parent().unwrap()).unwrap();
            std::fs::write(&fixture, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
            continue;
        }
        let want: Value = serde_json::from_str(
            &std::fs::read_to_string(&fixture).expect("the committed fixture"),
        )
        .expect("fixture JSON");
        let (g, w) = (&got["leaderboard"], &want["leaderboard"]);
        assert_eq!(
            g.as_array().map(Vec::len),
            w.as_array().map(Vec::len),
            "{name}: number of rows"
        );
        for (i, (a, b)) in g
            .as_array()
            .unwrap()
            .iter()
            .zip(w.as_array().unwrap())
            .enumerate()
        {
            assert_eq!(a, b, "{name}: leaderboard row {i} differs");
        }
        assert_eq!(got, want, "{name}: the run's summary differs");
    }
}
