//! `manifest.toml`: the data format version of every file. A binary meets
//! older data and migrates it, or meets newer data and refuses it, naming
//! both versions.

use super::error::{Result, StoreError};
use super::records::{self, FileSpec, FILES};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub const MANIFEST: &str = "manifest.toml";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub files: BTreeMap<String, u32>,
}

/// The format version a sharded table had while it was one file.
pub const UNSHARDED: u32 = 1;

impl Manifest {
    /// The manifest a new data directory starts with.
    pub fn current() -> Manifest {
        Manifest {
            files: FILES
                .iter()
                .map(|f| (f.manifest_name(), f.version))
                .collect(),
        }
    }

    pub fn parse(path: &Path, text: &str) -> Result<Manifest> {
        toml::from_str(text).map_err(|e| StoreError::Corrupt {
            path: path.to_path_buf(),
            line: e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].lines().count().max(1) as u64
            }),
            msg: format!("not a valid manifest: {}", e.message()),
        })
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!("# Data format version of each file, kept by clubctl; do not edit by hand.\n{body}")
    }

    /// Checks every listed file against what this binary reads. Returns the
    /// tables still kept in one file, as before shards: `data migrate`
    /// converts them, and until then they are read but never written.
    pub fn plan(&self) -> Result<Vec<&'static FileSpec>> {
        let mut old = Vec::new();
        for (file, &found) in &self.files {
            let (spec, supported) = match records::unsharded_spec(file) {
                Some(spec) => (spec, UNSHARDED),
                None => match records::spec_of(file).filter(|f| f.manifest_name() == *file) {
                    Some(spec) => (spec, spec.version),
                    None => {
                        return Err(StoreError::Newer {
                            file: file.clone(),
                            found,
                            supported: 0,
                        })
                    }
                },
            };
            if found > supported {
                return Err(StoreError::Newer {
                    file: file.clone(),
                    found,
                    supported,
                });
            }
            if found < supported {
                return Err(StoreError::Corrupt {
                    path: MANIFEST.into(),
                    line: 1,
                    msg: format!(
                        "{file} is at format version {found}, and no migration from version {found} is known; the manifest may have been edited by hand"
                    ),
                });
            }
            if spec.shards.is_some() && spec.name == file {
                old.push(spec);
            }
        }
        Ok(old)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_data_is_refused_naming_both_versions() {
        let mut m = Manifest::current();
        m.files.insert("ledger.csv".into(), 7);
        let err = m.plan().unwrap_err().to_string();
        assert!(
            err.contains("version 7") && err.contains("up to version 1"),
            "{err}"
        );
    }

    #[test]
    fn a_file_from_a_newer_clubctl_is_refused() {
        let mut m = Manifest::current();
        m.files.insert("spaceships.csv".into(), 1);
        assert!(matches!(
            m.plan(),
            Err(StoreError::Newer { supported: 0, .. })
        ));
    }

    #[test]
    fn current_data_needs_no_migration() {
        assert!(Manifest::current().plan().unwrap().is_empty());
        let text = Manifest::current().to_toml();
        assert_eq!(
            Manifest::parse(Path::new(MANIFEST), &text).unwrap(),
            Manifest::current()
        );
    }
}
