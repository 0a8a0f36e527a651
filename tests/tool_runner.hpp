// SPDX-License-Identifier: MIT
// Runs the built `lrs` tool for tests: exit status, stdout and stderr (POSIX, LRS_TOOL_PATH).
#pragma once

#if defined(LRS_TOOL_PATH) && defined(__unix__)
#define LRS_HAVE_TOOL 1
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "catch.hpp"

namespace tool_test {

struct result {
  int status = -1;
  std::string out, err;
};

/// Runs `lrs <args>` through the shell; args must not contain double quotes.
inline result run_tool(const std::string& args) {
  char err_path[] = "/tmp/lrs_tool_test_XXXXXX";
  const int fd = mkstemp(err_path);
  REQUIRE(fd >= 0);
  close(fd);
  const std::string cmd = std::string("\"") + LRS_TOOL_PATH + "\" " + args + " 2>" + err_path;
  result r;
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) r.out.append(buf, n);
  const int st = pclose(pipe);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  std::ifstream err(err_path);
  std::ostringstream ss;
  ss << err.rdbuf();
  r.err = ss.str();
  std::remove(err_path);
  return r;
}

inline std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::istringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cells.push_back(c);
    rows.push_back(cells);
  }
  return rows;
}

/// The number after `"key": ` in a one-line JSON object; NaN if the key is absent.
inline double json_number(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\": ");
  if (at == std::string::npos) return std::nan("");
  return std::strtod(json.c_str() + at + key.size() + 4, nullptr);
}

/// The string after `"key": ` in a one-line JSON object; "<absent>" if the key is absent.
inline std::string json_string(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\": \"");
  if (at == std::string::npos) return "<absent>";
  const auto b = at + key.size() + 5;
  return json.substr(b, json.find('"', b) - b);
}

/// Writes `text` to a fresh temporary file and returns its path; the file is removed by the caller.
inline std::string temp_file(const std::string& text) {
  char path[] = "/tmp/lrs_tool_input_XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(path) << text;
  return path;
}

}  // namespace tool_test
#endif
