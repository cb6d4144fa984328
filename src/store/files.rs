//! Files a person names on the command line, outside the data directory:
//! an import, a batch of grants, a mapping, the manual pages to write.
//! They are the person's own files, read or written whole as they are,
//! with none of the data directory's guarantees; this is where the layers
//! above the store reach them (clippy.toml keeps `std::fs` out of those
//! layers). Errors come back as they are, for each command to word.

use std::io;
use std::path::Path;

/// The bytes of an input file.
pub fn read_input(path: &Path) -> io::Result<Vec<u8>> {
    std::fs::read(path)
}

/// The text of an input file that must be UTF-8.
pub fn read_input_text(path: &Path) -> io::Result<String> {
    std::fs::read_to_string(path)
}

/// Creates a directory for output files, with its missing parents.
pub fn create_output_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Writes an output file, replacing one already there.
pub fn write_output(path: &Path, bytes: &[u8]) -> io::Result<()> {
    std::fs::write(path, bytes)
}
