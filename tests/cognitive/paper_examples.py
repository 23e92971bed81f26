"""The white paper's examples (G. Ann Campbell, "Cognitive Complexity", SonarSource, v1.7), in Python.

Each function keeps the control flow of the paper's Java or JavaScript original; comments give the
increments, and the expected totals are in tests/test_cognitive.py. This file is read as data, never imported.
"""
# flake8: noqa

def sum_of_primes(max_):                 # Java version uses a labelled `continue OUT` (+1); Python has no labels
    total = 0
    for i in range(1, max_ + 1):         # +1
        for j in range(2, i):            # +2 (nesting 1)
            if i % j == 0:               # +3 (nesting 2)
                break                    # +0 (plain jump)
        else:                            # +1 hybrid (S); +0 in C
            total += i
    return total                         # P 7 (Java) / S 7 / C 6.  A flag-variable version scores 8 in all.

def get_words(number):
    match number:                        # +1 (P switch, C); +0 in S
        case 1: return "one"
        case 2: return "a couple"
        case 3: return "a few"
        case _: return "lots"            # P 1 / S 0 / C 1.  As an if/elif/elif/else chain: 4 / 4 / 4

def mixed(a, b, c, d, e, f):
    if a and b and c or d or e and f:    # +1 if, +3 (and | or | and)        P 4 / S 4 / C 4
        return 1
def negated(a, b, c):
    if a and not (b and c):              # +1 if, +1 `and`, +1 `(b and c)`    P 3 / S 3 / C 3
        return 1

def my_method():
    try:                                 # +0, no nesting
        if condition1:                   # +1
            for i in range(10):          # +2 (nesting 1)
                while condition2:        # +3 (nesting 2)
                    pass
    except (ExcepType1, ExcepType2):     # +1 (one clause, two types)
        if condition2:                   # +2 (nesting 1)
            pass                         # P 9 / S 9 / C 9

def my_method2():                        # Java lambda with an `if` body
    def r():                             # +0, nesting -> 1
        if condition1:                   # +2
            do_it()
    schedule(r)                          # P 2 / S 2 / C 2  (drop this line: S 1 (wrapper rule), C 2)
def my_method2_lambda():
    r = lambda: do_it() if condition1 else None   # P 2 / S 1 (lambda does not nest) / C 2

def overridden_symbol_from(self, class_type):     # App. C, JavaSymbol.java.  Total 19 in P / S / C
    if class_type.is_unknown():                        # +1
        return UNKNOWN
    unknown_found = False
    for sym in class_type.get_symbol().members().lookup(self.name):  # +1
        if (sym.is_kind(MTH)                           # +2 (nesting 1)
                and not sym.is_static()):              # +1
            if can_override(sym):                      # +3 (nesting 2)
                overriding = check_overriding_parameters(sym, class_type)
                if overriding is None:                 # +4 (nesting 3)
                    if not unknown_found:              # +5 (nesting 4)
                        unknown_found = True
                elif overriding:                       # +1
                    return sym
    if unknown_found:                                  # +1
        return UNKNOWN
    return None

def add_version(self, entry, txn):       # App. C, TimelyResource.java.  Total 35 in P / S / C
    ti = self._persistit.get_transaction_index()
    while True:                                        # +1
        try:
            with self._lock:                           # `synchronized` -> with: +0, no nesting
                if self.frst is not None:              # +2 (nesting 1)
                    if self.frst.version > entry.version:   # +3 (nesting 2)
                        raise RollbackException()
                    if txn.is_active():                # +3 (nesting 2)
                        for e in versions_from(self.frst):  # +4 (nesting 3)
                            depends = ti.ww_dependency(e.version, txn.status, 0)
                            if depends == TIMED_OUT:   # +5 (nesting 4)
                                raise WWRetryException(e.version)
                            if (depends != 0           # +5 (nesting 4)
                                    and depends != ABORTED):   # +1
                                raise RollbackException()
                entry.previous = self.frst
                self.frst = entry
                break
        except WWRetryException as re:                 # +2 (nesting 1)
            try:
                depends = ti.ww_dependency(re.version_handle, txn.status, MAX_WAIT)
                if depends != 0 and depends != ABORTED:     # +3 (nesting 2) +1
                    raise RollbackException()
            except InterruptedError as ie:             # +3 (nesting 2)
                raise PersistitInterruptedException(ie)
        except InterruptedError as ie:                 # +2 (nesting 1)
            raise PersistitInterruptedException(ie)

def to_regexp(ant_pattern, sep):         # App. C, WildcardPattern.java.  Total 20 in P / S / C
    esc, sb = "\\" + sep, ["^"]
    i = 1 if ant_pattern.startswith("/") or ant_pattern.startswith("\\") else 0   # +1 ternary, +1 `or`
    while i < len(ant_pattern):                        # +1
        ch = ant_pattern[i]
        if ch in SPECIAL_CHARS:                        # +2 (nesting 1)
            sb.append("\\" + ch)
        elif ch == "*":                                # +1
            if i + 1 < len(ant_pattern) and ant_pattern[i + 1] == "*":        # +3 (nesting 2) +1
                if i + 2 < len(ant_pattern) and is_slash(ant_pattern[i + 2]): # +4 (nesting 3) +1
                    sb.append("(?:.*" + esc + "|)")
                    i += 2
                else:                                  # +1
                    sb.append(".*")
                    i += 1
            else:                                      # +1
                sb.append("[^" + esc + "]*?")
        elif ch == "?":                                # +1
            sb.append("[^" + esc + "]")
        elif is_slash(ch):                             # +1
            sb.append(esc)
        else:                                          # +1
            sb.append(ch)
        i += 1
    return "".join(sb) + "$"

def save(self, options=None, callback=None):   # App. C, YUI model save (JS callbacks -> nested defs). Total 20 in P / S / C
    if callable(options):                              # +1
        callback, options = options, {}
    options = options or {}                            # +1 (`options || (options = {})`)
    def on_validate(err):                              # +0, nesting -> 1
        if err:                                        # +2
            callback and callback(err)                 # +1
            return
        def on_sync(err, response):                    # +0, nesting -> 2
            facade = {"options": options, "response": response}
            if err:                                    # +3
                self.fire(EVT_ERROR, facade)
            else:                                      # +1
                if not self._save_event:               # +4 (nesting 3)
                    self._save_event = self.publish(EVT_SAVE)
                if response:                           # +4 (nesting 3)
                    self.set_attrs(self._parse(response), options)
                self.fire(EVT_SAVE, facade)
            callback and callback(err, response)       # +1
        self.sync("create" if self.is_new() else "update", options, on_sync)  # +2 (ternary, nesting 1)
    self._validate(self.to_json(), on_validate)
    return self
