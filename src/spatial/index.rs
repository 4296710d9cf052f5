//! The R-tree incident index.
