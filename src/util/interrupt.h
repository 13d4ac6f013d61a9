#pragma once
// Ctrl+C (SIGINT) and SIGTERM ask the program to finish cleanly: loops poll interrupted() and end,
// so files are closed and threads joined instead of the process dying mid-write.
namespace genscope {

/// Installs the handler for SIGINT and SIGTERM; a second signal ends the process at once.
void install_interrupt_handler();
/// True once a signal arrived.
bool interrupted();

}  // namespace genscope
