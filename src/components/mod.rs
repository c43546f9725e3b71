//! Small pieces shared by the views.
mod load_panel;
pub mod num;
mod status;
mod virtual_rows;

pub use load_panel::LoadPanel;
pub use num::{Bytes, Count, Duration, Instant};
pub use status::{Problems, StatusBanner};
pub use virtual_rows::VirtualTable;
