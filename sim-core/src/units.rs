//! Human-readable sizes for messages and reports ("44.0 KiB").

/// Formats a byte count the way the report and error messages print sizes.
pub fn bytes(n: u64) -> String {
    if n < 1024 {
        format!("{n} B")
    } else if n < 1024 * 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{:.2} MiB", n as f64 / (1024.0 * 1024.0))
    }
}

#[cfg(test)]
mod tests {
    use super::bytes;

    #[test]
    fn formats_sizes() {
        assert_eq!(bytes(12), "12 B");
        assert_eq!(bytes(300 * 1024), "300.0 KiB");
        assert_eq!(bytes(44 * 1024), "44.0 KiB");
        assert_eq!(bytes(4 * 1024 * 1024), "4.00 MiB");
    }
}
