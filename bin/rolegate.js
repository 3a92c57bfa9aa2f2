#!/usr/bin/env node
// The installed command: runs the compiled CLI.
import '../dist/cli/main.js'
