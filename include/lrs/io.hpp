// SPDX-License-Identifier: MIT
// lrs I/O (umbrella header): schedule specs by name (parse_schedule and the registry), numeric CSV,
// SVG plots, checkpoints and tensor blobs (weights in a checkpoint).
#ifndef LRS_IO_HPP
#define LRS_IO_HPP

#include <lrs/io/checkpoint.hpp>
#include <lrs/io/csv.hpp>
#include <lrs/io/grad_norms.hpp>
#include <lrs/io/parse_schedule.hpp>
#include <lrs/io/spec.hpp>
#include <lrs/io/svg.hpp>
#include <lrs/io/tensor_blob.hpp>

#endif  // LRS_IO_HPP
