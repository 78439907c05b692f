//! Conventions of the files fiscalform reads and writes that reading and writing share: how
//! an operating-system error is told in Chinese, and the names of the temporary files a write
//! goes through.

/// An operating-system error in Chinese for the common cases (the English text of the others).
pub fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "文件或目录不存在".into(),
        ErrorKind::PermissionDenied => "没有访问权限".into(),
        ErrorKind::StorageFull => "磁盘空间已满".into(),
        ErrorKind::IsADirectory => "这是一个目录，不是文件".into(),
        ErrorKind::NotADirectory => "路径中有一段不是目录".into(),
        ErrorKind::ReadOnlyFilesystem => "文件系统为只读".into(),
        ErrorKind::BrokenPipe => "接收输出的程序已关闭".into(),
        _ => e.to_string(),
    }
}

/// Prefix and suffix of the temporary files `write_atomic` creates beside its output; a
/// later run recognises a leftover of an interrupted one by them.
pub const TEMP_PREFIX: &str = ".fiscalform-";
pub const TEMP_SUFFIX: &str = ".tmp";
