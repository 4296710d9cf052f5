//! The main job, end to end: reports -> incidents -> clusters -> layers.
