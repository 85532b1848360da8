//! Command-line cases as data files (`tests/cmd/*.toml` with their expected output beside
//! them). Regenerate expectations with `TRYCMD=overwrite cargo test --test cli_cases`.

#[test]
fn cli_cases() {
    trycmd::TestCases::new().env("CAIRN_TODAY", "2026-11-22").env("NO_COLOR", "1").case("tests/cmd/*.toml");
}
