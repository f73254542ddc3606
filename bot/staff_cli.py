"""``python -m bot staff …``: hotline staff accounts, made on the server's machine.

python -m bot staff add USERNAME --role agent|supervisor --password-stdin
python -m bot staff list
python -m bot staff disable USERNAME
python -m bot staff passwd USERNAME --password-stdin

The database is the server's (``database.path``, ``ESF_DB``); it is created and
migrated when needed, so this works before the server ever ran.  The password
is read from the first line of standard input, checked (at least 10
characters, not trivial), and stored only as an argon2id hash.  A mistake is one
line on standard error and exit code 2; passwords never reach the output.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn, cast

from esf_settings import ConfigError, load_settings
from storage.staff import (
    ROLES,
    Role,
    StaffError,
    StaffStore,
    check_password,
    check_username,
    hash_password,
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not the usage block
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m bot staff", description="hotline staff accounts")
    parser.add_argument("--config", help="settings file (default: ESF_CONFIG or ./config.yaml)")
    sub = parser.add_subparsers(dest="action", required=True, parser_class=_Parser)
    add = sub.add_parser("add", help="a new account")
    add.add_argument("username")
    add.add_argument("--role", required=True, help="agent or supervisor")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sub.add_parser("list", help="the accounts (name, role, state, created)")
    disable = sub.add_parser("disable", help="stop an account (its sign-ins end)")
    disable.add_argument("username")
    passwd = sub.add_parser("passwd", help="a new password (its sign-ins end)")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    return parser


def _password(args: argparse.Namespace, username: str) -> str:
    if not args.password_stdin:
        raise StaffError("give the password on standard input with --password-stdin")
    lines = sys.stdin.read().splitlines()
    password = lines[0] if lines else ""
    check_password(password, username)
    return password


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        if args.action == "add" and args.role not in ROLES:
            raise StaffError(f"unknown role {args.role!r}: agent or supervisor")
        username = check_username(args.username) if hasattr(args, "username") else ""
        password = _password(args, username) if args.action in ("add", "passwd") else ""
        staff = StaffStore(settings.database.path)
        try:
            if args.action == "add":
                staff.add(username, cast(Role, args.role), hash_password(password))
                staff.audit("cli", "staff_add", detail={"username": username, "role": args.role})
                print(f"added {username} ({args.role})")
            elif args.action == "list":
                for account in staff.accounts():
                    state = "disabled" if account.disabled else "active"
                    print(f"{account.username}\t{account.role}\t{state}\t{account.created_at}")
            elif args.action == "disable":
                staff.disable(username)
                staff.audit("cli", "staff_disable", detail={"username": username})
                print(f"disabled {username}")
            else:
                staff.set_password_hash(username, hash_password(password))
                staff.audit("cli", "staff_passwd", detail={"username": username})
                print(f"password changed for {username}")
        finally:
            staff.close()
    except StaffError as exc:
        print(f"python -m bot staff: error: {exc}", file=sys.stderr)
        return 2
    return 0
