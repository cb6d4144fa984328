fn main() -> std::process::ExitCode {
    clubctl::cli::main()
}
