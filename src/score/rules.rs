//! Reads 评（扣）分标准 texts into rules that compute scores.
