//! Function names as people write them: C++ symbols demangled (`_ZN4tiny5inferERKNS_5LayerEPKam`
//! is `tiny::infer(tiny::Layer const&, signed char const*, unsigned long)`), and lookup by the
//! mangled name, the demangled one, or the demangled one without its parameters, which names
//! every overload.

use crate::loader::{Image, Symbol, SymbolKind};
use std::borrow::Cow;

/// The demangled form of an Itanium C++ ABI symbol (as GCC and Clang emit for Arm), or `None`
/// for a C name or one that does not demangle. A GCC clone suffix (`.constprop.0`) is kept.
pub fn demangle(name: &str) -> Option<String> {
    if !name.starts_with("_Z") {
        return None;
    }
    let (mangled, suffix) = match name.find('.') {
        Some(i) => name.split_at(i),
        None => (name, ""),
    };
    let sym = cpp_demangle::Symbol::new(mangled).ok()?;
    let text = sym
        .demangle(&cpp_demangle::DemangleOptions::default())
        .ok()?;
    Some(format!("{text}{suffix}"))
}

/// The name to show for a symbol: demangled when it is C++, else as it is.
pub fn display(name: &str) -> Cow<'_, str> {
    match demangle(name) {
        Some(d) => Cow::Owned(d),
        None => Cow::Borrowed(name),
    }
}

/// A demangled name without its parameter list and qualifiers: `tiny::Model::run(signed char
/// const*) const` -> `tiny::Model::run`. Template arguments are kept.
pub fn without_parameters(demangled: &str) -> &str {
    let mut depth = 0i32;
    for (i, c) in demangled.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            '(' if depth == 0 && i > 0 && !demangled[..i].ends_with("operator") => {
                return &demangled[..i];
            }
            _ => {}
        }
    }
    demangled
}

/// Whether `query` names the function `sym`: its symbol name, its demangled name, or that name
/// without parameters (so `tiny::infer` names every overload of it).
pub fn names(sym: &Symbol, query: &str) -> bool {
    if sym.name == query {
        return true;
    }
    let Some(d) = demangle(&sym.name) else {
        return false;
    };
    let q: String = query.split_whitespace().collect::<Vec<_>>().join(" ");
    d == q || without_parameters(&d) == q
}

impl Image {
    /// The functions (with a size or not) that `query` names, in address order: one for a C
    /// name, every overload for a C++ name without parameters.
    pub fn functions_named(&self, query: &str) -> Vec<&Symbol> {
        let mut v: Vec<&Symbol> = self
            .symbols
            .iter()
            .filter(|s| s.kind == SymbolKind::Func && names(s, query))
            .collect();
        v.dedup_by_key(|s| s.addr);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn itanium_names_demangle_and_c_names_stay() {
        assert_eq!(
            demangle("_ZN4tiny5inferERKNS_5LayerEPKam").as_deref(),
            Some("tiny::infer(tiny::Layer const&, signed char const*, unsigned long)")
        );
        assert_eq!(demangle("memcpy"), None);
        assert_eq!(display("model_invoke"), "model_invoke");
        assert_eq!(
            demangle("_ZN4tiny5inferERKNS_5LayerEPKam.constprop.0").as_deref(),
            Some("tiny::infer(tiny::Layer const&, signed char const*, unsigned long).constprop.0")
        );
    }

    #[test]
    fn parameters_come_off_but_templates_stay() {
        assert_eq!(
            without_parameters("tiny::Model::run(signed char const*) const"),
            "tiny::Model::run"
        );
        assert_eq!(
            without_parameters("std::array<int, 3>::at(unsigned int)"),
            "std::array<int, 3>::at"
        );
        assert_eq!(
            without_parameters("Foo::operator()(int)"),
            "Foo::operator()"
        );
    }
}
