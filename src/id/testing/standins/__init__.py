"""Programs that stand in for platform CLIs in tests.

Each file is a self-contained script using the standard library only; an emulator copies it into
a folder on PATH under the real program's name, with a shebang naming the running interpreter.
"""
