fn main() {
    for (name, text) in cairn::schema::files("./") {
        std::fs::write(format!("/tmp/sch/{name}"), text).unwrap();
    }
    let _ = cairn::schema::Validators::get();
}
