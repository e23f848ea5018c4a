/* SPDX-License-Identifier: MIT */ /* placeholder: being written */
typedef int wm_placeholder_rng;
