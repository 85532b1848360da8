//! `cairn init`: the files of a new cairn repository that validates clean (also with
//! `--deny-warnings`) and gates from its first pull request. Pure: the caller writes them, and
//! never over an existing file.
//!
//! The templates are embedded (`templates/init/`, the CI workflows of `ci/`), and the JSON
//! Schemas the modelines point at are generated from the model (`schemas/`).

use crate::schema;

/// Embedded files: (path in the new repository, text).
const TEMPLATES: &[(&str, &str)] = &[
    ("cairn.yaml", include_str!("../templates/init/cairn.yaml")),
    ("policy.yaml", include_str!("../templates/init/policy.yaml")),
    ("teams/platform.yaml", include_str!("../templates/init/teams/platform.yaml")),
    ("services/hello.yaml", include_str!("../templates/init/services/hello.yaml")),
    ("slas/hello.yaml", include_str!("../templates/init/slas/hello.yaml")),
    (".pre-commit-config.yaml", include_str!("../templates/init/pre-commit-config.yaml")),
    ("README.md", include_str!("../templates/init/README.md")),
    (".github/workflows/cairn-validate.yml", include_str!("../ci/github/cairn-validate.yml")),
    (".github/workflows/cairn-pr.yml", include_str!("../ci/github/cairn-pr.yml")),
    (".github/workflows/cairn-gate.yml", include_str!("../ci/github/cairn-gate.yml")),
    (".github/workflows/cairn-gate-review.yml", include_str!("../ci/github/cairn-gate-review.yml")),
];

/// Every file `cairn init` writes, sorted by path.
pub fn files() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        TEMPLATES.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
    for (name, text) in schema::files("./") {
        out.push((format!("schemas/{name}"), text));
    }
    out.sort();
    out
}

/// What to do after `cairn init`, for people.
pub const NEXT_STEPS: &str = "\
next:
  1. put your team in teams/platform.yaml (members with their forge logins) and your services under services/
  2. `cairn validate` (pre-commit runs it on every commit: `pre-commit install`)
  3. set the repository variable CAIRN_REPOSITORY for the workflows in .github/workflows/, and make
     the `cairn gate` check required on the default branch";
