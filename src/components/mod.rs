//! Small pieces shared by the views.
mod load_panel;
mod status;

pub use load_panel::LoadPanel;
pub use status::{Problems, StatusBanner};
