//! The terminal UI (`rmonprobe tui`, `rmonprobe demo`): the probe's whole picture in one screen
//! set, on an embedded probe or on any RMON agent across the network.
//!
//! Elm-style (ARCHITECTURE.md, "Rules"): one [`app::App`] state, changed only by [`app::App::update`]
//! from events (keys, readings), and pure render functions, one per screen, in [`screens`].
//! Key bindings are in [`keys`]. Readings come through the [`source::Source`] trait; the
//! terminal and the source's thread are in [`term`].

pub mod app;
#[cfg(test)]
mod fixture;
pub mod fleet;
pub mod format;
pub mod keys;
pub mod launch;
pub mod oui;
pub mod packet_view;
pub mod screens;
pub mod source;
pub mod stderr;
pub mod term;

#[cfg(test)]
mod tests;
