//! Writing a wheel (binary distribution format 1.0): the files, then
//! `<name>-<version>.dist-info/{METADATA,WHEEL,RECORD}`, RECORD last with the sha256
//! of every other file. Entries get a fixed timestamp so builds are reproducible. The
//! archive is written to a temporary file and renamed into place when complete
//! (`output.rs`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::output::{self, StagedFile};

/// One file of the wheel.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Path inside the archive, `/`-separated.
    pub path: String,
    /// Contents.
    pub data: Vec<u8>,
    /// Installed with the executable bit (shared libraries).
    pub executable: bool,
}

/// `sha256=<urlsafe base64, no padding>` as RECORD wants it.
pub fn record_hash(data: &[u8]) -> String {
    format!("sha256={}", URL_SAFE_NO_PAD.encode(Sha256::digest(data)))
}

/// Quotes a RECORD (CSV) field when needed.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The `WHEEL` file.
pub fn wheel_file(tags: &[String]) -> String {
    let mut s = format!(
        "Wheel-Version: 1.0\nGenerator: cargo-hpy {}\nRoot-Is-Purelib: false\n",
        env!("CARGO_PKG_VERSION")
    );
    for t in tags {
        s.push_str(&format!("Tag: {t}\n"));
    }
    s
}

/// The RECORD file for `entries` (RECORD's own line has no hash).
pub fn record(entries: &[Entry], record_path: &str) -> String {
    let mut s = String::new();
    for e in entries {
        s.push_str(&format!(
            "{},{},{}\n",
            csv_field(&e.path),
            record_hash(&e.data),
            e.data.len()
        ));
    }
    s.push_str(&format!("{},,\n", csv_field(record_path)));
    s
}

/// Writes `out_dir/file_name` with `entries` plus the dist-info files; returns its path.
pub fn write(
    out_dir: &Path,
    file_name: &str,
    dist_info: &str,
    mut entries: Vec<Entry>,
    metadata: &str,
    tags: &[String],
) -> Result<PathBuf> {
    entries.push(Entry {
        path: format!("{dist_info}/METADATA"),
        data: metadata.as_bytes().to_vec(),
        executable: false,
    });
    entries.push(Entry {
        path: format!("{dist_info}/WHEEL"),
        data: wheel_file(tags).into_bytes(),
        executable: false,
    });
    let record_path = format!("{dist_info}/RECORD");
    let record = record(&entries, &record_path);
    entries.push(Entry {
        path: record_path,
        data: record.into_bytes(),
        executable: false,
    });

    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create the output folder `{}`", out_dir.display()))?;
    let final_path = out_dir.join(file_name);
    let mut staged = StagedFile::create(&final_path)?;
    let mut zip = ZipWriter::new(staged.file());
    for e in &entries {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(if e.executable { 0o755 } else { 0o644 });
        zip.start_file(e.path.as_str(), options)
            .and_then(|()| zip.write_all(&e.data).map_err(Into::into))
            .with_context(|| format!("cannot write `{}`", final_path.display()))?;
        output::pause_for_tests();
    }
    zip.finish()
        .with_context(|| format!("cannot write `{}`", final_path.display()))?;
    staged.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn hash_format() {
        // sha256 of the empty string, urlsafe base64 without padding.
        assert_eq!(
            record_hash(b""),
            "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
        );
    }

    #[test]
    fn record_lines() {
        let entries = vec![Entry {
            path: "a,b.py".into(),
            data: b"x".to_vec(),
            executable: false,
        }];
        let r = record(&entries, "d-1.dist-info/RECORD");
        assert_eq!(
            r,
            format!(
                "\"a,b.py\",{},1\nd-1.dist-info/RECORD,,\n",
                record_hash(b"x")
            )
        );
    }

    #[test]
    fn writes_a_readable_archive() {
        let dir = std::env::temp_dir().join(format!("cargo-hpy-wheel-test-{}", std::process::id()));
        let path = write(
            &dir,
            "demo-0.1.0-py3-none-linux_x86_64.whl",
            "demo-0.1.0.dist-info",
            vec![Entry {
                path: "demo.py".into(),
                data: b"print('hi')\n".to_vec(),
                executable: false,
            }],
            "Metadata-Version: 2.1\nName: demo\nVersion: 0.1.0\n",
            &["py3-none-linux_x86_64".to_owned()],
        )
        .unwrap();
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
        assert_eq!(
            names,
            [
                "demo.py",
                "demo-0.1.0.dist-info/METADATA",
                "demo-0.1.0.dist-info/WHEEL",
                "demo-0.1.0.dist-info/RECORD"
            ]
        );
        let mut wheel = String::new();
        zip.by_name("demo-0.1.0.dist-info/WHEEL")
            .unwrap()
            .read_to_string(&mut wheel)
            .unwrap();
        assert!(wheel.contains("Root-Is-Purelib: false\nTag: py3-none-linux_x86_64\n"));
        let mut rec = String::new();
        zip.by_name("demo-0.1.0.dist-info/RECORD")
            .unwrap()
            .read_to_string(&mut rec)
            .unwrap();
        assert!(rec.starts_with(&format!("demo.py,{},12\n", record_hash(b"print('hi')\n"))));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
