// SPDX-License-Identifier: MIT
// lrs version: the single source of the version number (CMake parses it).
#ifndef LRS_VERSION_HPP
#define LRS_VERSION_HPP

#define LRS_VERSION_MAJOR 1
#define LRS_VERSION_MINOR 0
#define LRS_VERSION_PATCH 0

#endif  // LRS_VERSION_HPP
