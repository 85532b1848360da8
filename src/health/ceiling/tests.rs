use serde_json::{json, Value};

use super::*;
use crate::graph::testutil::entity_in;

fn service(name: &str, spec: Value) -> Entity {
    let mut full = json!({"owner": "sre", "tier": 2});
    if let (Some(full), Value::Object(spec)) = (full.as_object_mut(), spec) {
        full.extend(spec);
    }
    entity_in("Service", json!({"name": name}), full, &format!("services/{name}.yaml"), 0)
}

fn ci(name: &str, spec: Value) -> Entity {
    let mut full = json!({"owner": "sre", "class": "server/linux"});
    if let (Some(full), Value::Object(spec)) = (full.as_object_mut(), spec) {
        full.extend(spec);
    }
    entity_in("ConfigurationItem", json!({"name": name}), full, &format!("cis/{name}.yaml"), 0)
}

/// A CI with `attributes.availability` (percent).
fn at(name: &str, availability: f64) -> Entity {
    ci(name, json!({"attributes": {"availability": availability}}))
}

fn sla(name: &str, service: &str, targets: &[f64]) -> Entity {
    let objectives: Vec<Value> =
        targets.iter().map(|t| json!({"metric": "availability", "target": t})).collect();
    entity_in(
        "SLA",
        json!({"name": name}),
        json!({"service": service, "objectives": objectives}),
        &format!("slas/{name}.yaml"),
        0,
    )
}

fn ceiling_of(entities: &[Entity], service: &str) -> Ceiling {
    let mut model = Availability::new(entities);
    model.ceiling(&EntityRef::new(Kind::Service, service)).expect("the service exists")
}

fn close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 1e-12, "ceiling {actual}, expected {expected}");
}

fn refs(contributors: &[Contributor]) -> Vec<String> {
    contributors.iter().map(|c| c.reference.to_string()).collect()
}

fn path(c: &Contributor) -> String {
    c.path.iter().map(ToString::to_string).collect::<Vec<_>>().join(" → ")
}

#[test]
fn serial_dependencies_multiply() {
    let entities = vec![
        service("shop", json!({"dependsOn": ["service:payments", "ci:db"], "components": ["web"]})),
        service("payments", json!({})),
        sla("payments-ola", "payments", &[99.9, 99.95]),
        at("db", 99.5),
        at("web", 99.99),
    ];
    let c = ceiling_of(&entities, "shop");
    // 0.999 × 0.995 × 0.9999 (the payments OLA's lowest target counts).
    close(c.availability, 0.999 * 0.995 * 0.9999);
    assert_eq!(refs(&c.contributors), ["ci:db", "service:payments", "ci:web"]);
    assert_eq!(c.contributors[1].source, Source::Sla(EntityRef::new(Kind::Sla, "payments-ola")));
    assert_eq!(percent(c.availability), "99.3905"); // 99.390559…, rounded down
    assert!(c.unknown.is_empty());
}

#[test]
fn a_dependency_reached_along_two_paths_counts_once() {
    let entities = vec![
        service("shop", json!({"dependsOn": ["service:cart", "service:orders", "ci:pg"]})),
        service("cart", json!({"dependsOn": ["ci:pg"]})),
        service("orders", json!({"dependsOn": ["ci:pg", "ci:queue"]})),
        at("pg", 99.9),
        at("queue", 99.0),
    ];
    let c = ceiling_of(&entities, "shop");
    // pg once (0.999), not three times; queue once.
    close(c.availability, 0.999 * 0.99);
    assert_eq!(refs(&c.contributors), ["ci:queue", "ci:pg"]);
    assert_eq!(path(&c.contributors[0]), "service:shop → service:orders → ci:queue");
    assert_eq!(path(&c.contributors[1]), "service:shop → ci:pg");
}

#[test]
fn a_known_figure_stands_for_what_is_below_it() {
    let entities = vec![
        service("shop", json!({"dependsOn": ["service:payments"]})),
        service("payments", json!({"dependsOn": ["ci:psp"]})),
        sla("payments-ola", "payments", &[99.95]),
        at("psp", 90.0),
    ];
    close(ceiling_of(&entities, "shop").availability, 0.9995);
}

#[test]
fn two_of_three_at_99_percent() {
    let entities = vec![
        service("shop", json!({"components": ["pg"]})),
        ci("pg", json!({"members": ["pg-1", "pg-2", "pg-3"], "redundancy": {"minUp": 2}})),
        at("pg-1", 99.0),
        at("pg-2", 99.0),
        at("pg-3", 99.0),
    ];
    let c = ceiling_of(&entities, "shop");
    // 3 × 0.99² × 0.01 + 0.99³ = 0.999702
    close(c.availability, 0.999702);
    assert_eq!(percent(c.availability), "99.9702");
    assert_eq!(refs(&c.contributors), ["ci:pg"]);
    assert_eq!(c.contributors[0].source, Source::Redundancy { min_up: 2, members: 3 });
}

#[test]
fn unequal_members_are_exact() {
    let entities = vec![
        service("shop", json!({"dependsOn": ["ci:pg"]})),
        ci("pg", json!({"members": ["a", "b", "c"], "redundancy": {"minUp": 2}})),
        at("a", 90.0),
        at("b", 95.0),
        at("c", 99.0),
    ];
    // abc + ab(1-c) + a(1-b)c + (1-a)bc = 0.84645 + 0.00855 + 0.04455 + 0.09405
    close(ceiling_of(&entities, "shop").availability, 0.9936);
    close(k_of_n(1, &[0.9, 0.9]), 0.99);
    close(k_of_n(2, &[0.9, 0.9]), 0.81);
    close(k_of_n(0, &[0.5]), 1.0);
    // More needed than there are members: all of them.
    close(k_of_n(3, &[0.9, 0.9]), 0.81);
}

#[test]
fn what_every_member_runs_on_counts_once_beside_the_cluster() {
    let entities = vec![
        service("shop", json!({"dependsOn": ["ci:pg", "ci:pool"]})),
        ci(
            "pg",
            json!({"members": ["pg-1", "pg-2", "pg-3"], "redundancy": {"minUp": 2}, "dependsOn": ["dns"]}),
        ),
        ci("pg-1", json!({"runsOn": ["pool"], "attributes": {"engine": "postgres"}})),
        ci("pg-2", json!({"runsOn": ["pool"], "dependsOn": ["disk-2"]})),
        ci("pg-3", json!({"runsOn": ["pool"], "dependsOn": ["disk-3"]})),
        at("pool", 99.9),
        at("disk-2", 98.0),
        at("disk-3", 98.0),
        at("dns", 99.99),
    ];
    let c = ceiling_of(&entities, "shop");
    // The pool once; pg 2-of-3 over the members' own parts (1, 0.98, 0.98): 1 − 0.02²; dns.
    close(k_of_n(2, &[1.0, 0.98, 0.98]), 0.9996);
    close(c.availability, 0.999 * 0.9996 * 0.9999);
    assert_eq!(refs(&c.contributors), ["ci:pool", "ci:pg", "ci:dns"]);
    assert_eq!(refs(&c.unknown), [] as [&str; 0]);
}

#[test]
fn unknowns_count_as_full_and_are_listed() {
    let entities = vec![
        service("shop", json!({"dependsOn": ["service:cart", "ci:cache"]})),
        service("cart", json!({"dependsOn": ["ci:db"]})),
        ci("db", json!({"attributes": {"availability": "high"}})),
        ci("cache", json!({"attributes": {"availability": "99.5 %"}})),
    ];
    let c = ceiling_of(&entities, "shop");
    close(c.availability, 0.995);
    assert_eq!(refs(&c.unknown), ["ci:db"]);
    assert_eq!(path(&c.unknown[0]), "service:shop → service:cart → ci:db");
}

#[test]
fn cycles_end() {
    let entities = vec![
        service("shop", json!({"dependsOn": ["service:a"]})),
        service("a", json!({"dependsOn": ["service:b", "service:shop"]})),
        service("b", json!({"dependsOn": ["service:a", "ci:c1"]})),
        ci("c1", json!({"members": ["m1", "m2"], "redundancy": {"minUp": 1}})),
        ci("m1", json!({"dependsOn": ["c1"], "attributes": {"availability": 90}})),
        ci("m2", json!({"dependsOn": ["c2"]})),
        ci("c2", json!({"members": ["m3", "c1"], "redundancy": {"minUp": 2}})),
        at("m3", 99.0),
    ];
    let c = ceiling_of(&entities, "shop");
    assert!(c.availability > 0.0 && c.availability <= 1.0, "{c:?}");
    // The service itself and services in the cycle without figures are not units.
    assert!(!refs(&c.contributors).contains(&"service:shop".to_owned()));
    let again = ceiling_of(&entities, "shop");
    assert_eq!(c, again);
}

#[test]
fn clusters_inside_clusters() {
    // A cluster whose members are clusters: each 2-of-3 at 99%, then 1 of the 2.
    let mut entities = vec![
        service("shop", json!({"dependsOn": ["ci:top"]})),
        ci("top", json!({"members": ["left", "right"], "redundancy": {"minUp": 1}})),
    ];
    for side in ["left", "right"] {
        let members: Vec<String> = (1..=3).map(|i| format!("{side}-{i}")).collect();
        entities.push(ci(side, json!({"members": members, "redundancy": {"minUp": 2}})));
        for m in members {
            entities.push(at(&m, 99.0));
        }
    }
    let side = 0.999702;
    close(ceiling_of(&entities, "shop").availability, 1.0 - (1.0 - side) * (1.0 - side));
}

#[test]
fn extra_nine_and_percentages() {
    close(extra_nine(99.95), 99.995);
    close(extra_nine(99.0), 99.9);
    assert_eq!(percent(1.0), "100");
    assert_eq!(percent(0.9995), "99.95");
    assert_eq!(percent(0.99949999999999), "99.95");
    assert_eq!(percent(0.99948), "99.948");
    assert_eq!(percent(0.123456789), "12.3456");
}
