//! Roles & permissions pages (filled in below).
