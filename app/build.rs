//! The console's binary keeps its relocations, so that `scripts/split.mjs` (wasm-split) can
//! move each screen's code into a file of its own. Only this binary: the Worker, the tests and
//! the library link as before.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-bins=--emit-relocs");
    }
}
