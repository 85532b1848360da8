//! `schemas/` is generated from the model: this fails when the two drift apart.

mod common;

#[test]
fn schemas_directory_matches_the_model() {
    let dir = common::root().join("schemas");
    let mut stale = Vec::new();
    for (name, text) in cairn::schema::files("./") {
        if std::fs::read_to_string(dir.join(&name)).ok().as_deref() != Some(text.as_str()) {
            stale.push(name);
        }
    }
    assert!(stale.is_empty(), "schemas/ is stale for {stale:?}: run `cargo run -- schema --out schemas`");
}

#[test]
fn schema_out_writes_what_schemas_holds() {
    let out = tempfile::tempdir().unwrap();
    let output = common::cairn(out.path(), &["schema", "--out", "s"]);
    assert!(output.status.success());
    for (name, text) in cairn::schema::files("./") {
        assert_eq!(std::fs::read_to_string(out.path().join("s").join(&name)).unwrap(), text, "{name}");
    }
    let catalog: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("s/catalog.json")).unwrap()).unwrap();
    assert_eq!(catalog["version"], 1);
    assert!(catalog["schemas"].as_array().unwrap().iter().any(|s| s["url"] == "./service.schema.json"));
    let check = common::cairn(out.path(), &["schema", "--check", "s"]);
    assert_eq!(check.status.code(), Some(0));
    std::fs::write(out.path().join("s/team.schema.json"), "{}").unwrap();
    assert_eq!(common::cairn(out.path(), &["schema", "--check", "s"]).status.code(), Some(1));
}
