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

/// Every schema file, parsed.
fn schema_files() -> Vec<(String, serde_json::Value)> {
    cairn::schema::files("./")
        .into_iter()
        .filter(|(name, _)| name.ends_with(".schema.json"))
        .map(|(name, text)| (name, serde_json::from_str(&text).unwrap()))
        .collect()
}

/// Every object in `value`, with its JSON pointer.
fn objects(value: &serde_json::Value) -> Vec<(String, &serde_json::Map<String, serde_json::Value>)> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), value)];
    while let Some((pointer, value)) = stack.pop() {
        match value {
            serde_json::Value::Object(map) => {
                out.push((pointer.clone(), map));
                stack.extend(map.iter().map(|(k, v)| (format!("{pointer}/{k}"), v)));
            }
            serde_json::Value::Array(items) => {
                stack.extend(items.iter().enumerate().map(|(i, v)| (format!("{pointer}/{i}"), v)));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn schemas_use_only_what_strict_validators_know() {
    // What Ajv 2020 in strict mode with ajv-formats accepts (ci/check-readers.sh runs Ajv
    // itself): known formats only, and every required property defined beside it.
    const KNOWN: &[&str] = &[
        "date",
        "time",
        "date-time",
        "iso-time",
        "iso-date-time",
        "duration",
        "uri",
        "uri-reference",
        "uri-template",
        "url",
        "email",
        "hostname",
        "ipv4",
        "ipv6",
        "regex",
        "uuid",
        "json-pointer",
        "json-pointer-uri-fragment",
        "relative-json-pointer",
        "byte",
        "int32",
        "int64",
        "float",
        "double",
        "password",
        "binary",
    ];
    for (name, schema) in schema_files() {
        for (pointer, object) in objects(&schema) {
            if pointer.ends_with("/properties") {
                continue; // property names, not a schema
            }
            if let Some(format) = object.get("format").and_then(|f| f.as_str()) {
                assert!(KNOWN.contains(&format), "{name}#{pointer}: unknown format `{format}`");
            }
            if let Some(required) = object.get("required").and_then(|r| r.as_array()) {
                let properties = object.get("properties").and_then(|p| p.as_object());
                for property in required.iter().filter_map(|p| p.as_str()) {
                    assert!(
                        properties.is_some_and(|p| p.contains_key(property)),
                        "{name}#{pointer}: `{property}` is required but not defined beside it"
                    );
                }
            }
        }
    }
}

/// The documents of a fixture file, as JSON.
fn documents(path: &std::path::Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap();
    cairn::load::yaml::parse(&text, &cairn::load::yaml::Limits::default())
        .documents
        .into_iter()
        .map(|d| d.value)
        .collect()
}

#[test]
fn the_schemas_flag_what_the_rules_flag() {
    // Editors see these mistakes as they type; cairn reports each under its rule's own code
    // (tests/diagnostics.rs holds those), and the schemas agree with cairn on the fixtures.
    let entity: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("schemas/entity.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&entity).unwrap();
    for (fixture, file) in [
        ("sla-availability-range", "sla.yaml"),
        ("sla-unit-mismatch", "sla.yaml"),
        ("form-choice-without-options", "new-database.yaml"),
        ("window-schedule", "window.yaml"),
    ] {
        let dir = common::root().join("examples/diagnostics").join(fixture);
        let docs = documents(&dir.join(file));
        assert!(!docs.is_empty(), "{fixture}");
        assert!(docs.iter().any(|d| !validator.is_valid(d)), "{fixture}/{file}: the schema accepts it");
        let (code, report) = common::json(&dir, &["validate"]);
        assert_eq!(code, 1, "{fixture}");
        assert_eq!(common::codes(&report), vec![fixture.to_owned()], "{fixture}");
    }
    // …and accepts every document of the example organisation, which cairn validates clean.
    let mut checked = 0;
    for entry in walk(&common::root().join("examples/acme")) {
        if entry.extension().is_some_and(|e| e == "yaml") {
            for doc in documents(&entry) {
                if doc.get("apiVersion").and_then(|v| v.as_str()) == Some("cairn/v1") {
                    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
                    assert!(errors.is_empty(), "{}: {errors:?}", entry.display());
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn integers_written_as_1_0_are_integers() {
    // JSON Schema 2020-12 counts 1.0 as an integer, and so the schemas accept it: cairn too.
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        &[
            ("policy.yaml", "apiVersion: cairn/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  owners: [team:sre]\n  approvals:\n    - {name: two, require: {team: team:sre, count: 1.0}}\n"),
            ("team.yaml", "apiVersion: cairn/v1\nkind: Team\nmetadata: {name: sre}\nspec:\n  members: [{login: ada}]\n"),
            ("service.yaml", "apiVersion: cairn/v1\nkind: Service\nmetadata: {name: shop}\nspec:\n  owner: sre\n  tier: 2.0\n  attributes_note: x\n"),
        ],
    );
    // (An unknown field keeps the check honest: the file is read and schema-checked.)
    let (code, report) = common::json(dir.path(), &["validate"]);
    assert_eq!(common::codes(&report), vec!["unknown-field".to_owned()], "{report}");
    assert_eq!(code, 1);
    common::write(
        dir.path(),
        &[(
            "service.yaml",
            "apiVersion: cairn/v1\nkind: Service\nmetadata: {name: shop}\nspec:\n  owner: sre\n  tier: 2.0\n",
        )],
    );
    let (code, report) = common::json(dir.path(), &["validate"]);
    assert_eq!((code, common::codes(&report)), (0, Vec::<String>::new()), "{report}");
    // A fraction is still no tier, said in the schema's words (no Rust type in the message).
    common::write(
        dir.path(),
        &[(
            "service.yaml",
            "apiVersion: cairn/v1\nkind: Service\nmetadata: {name: shop}\nspec:\n  owner: sre\n  tier: 1.5\n",
        )],
    );
    let (code, report) = common::json(dir.path(), &["validate"]);
    assert_eq!(code, 1);
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(!message.contains("u8") && !message.contains("floating point"), "{message}");
}
