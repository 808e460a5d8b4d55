//! `docs/RULES.md` states each rule with the sentence of its `Rule` variant's doc comment: one
//! owner for the words, checked here.

#[test]
fn every_rule_reads_in_the_docs_as_its_doc_comment_says() {
    let source = include_str!("../src/rule.rs");
    let docs = include_str!("../../docs/RULES.md");
    let body = &source[source.find("pub enum Rule {").unwrap()..];
    let mut comment: Vec<&str> = Vec::new();
    let mut checked = 0;
    for line in body.lines().skip(1) {
        let line = line.trim();
        if let Some(text) = line.strip_prefix("/// ") {
            comment.push(text);
        } else if let Some(variant) = line.strip_suffix(',') {
            let numbered = variant.len() > 1
                && variant.starts_with('R')
                && variant[1..].bytes().all(|b| b.is_ascii_digit());
            if numbered {
                let row = format!("| {variant} | {} |", comment.join(" "));
                assert!(
                    docs.contains(&row),
                    "docs/RULES.md lacks or differs on: {row}"
                );
                checked += 1;
            }
            comment.clear();
        } else if line == "}" {
            break;
        }
    }
    assert_eq!(checked, 19, "every numbered rule of PRODUCT.md");
}
