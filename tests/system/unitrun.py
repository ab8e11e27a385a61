"""unitrun FILE - run one unittest module, one ok/FAIL line per test."""
import importlib.util
import os
import sys
import unittest


class LineResult(unittest.TextTestResult):
    def __init__(self, stream, descriptions, verbosity, prefix):
        super().__init__(stream, descriptions, 0)
        self.prefix = prefix

    def addSuccess(self, test):
        print("ok   %s: %s" % (self.prefix, test._testMethodName), flush=True)

    def _fail(self, test, err):
        print("FAIL %s: %s" % (self.prefix, test._testMethodName))
        text = self._exc_info_to_string(err, test)
        for line in text.splitlines()[-60:]:
            print("     | " + line)
        sys.stdout.flush()

    def addFailure(self, test, err):
        self._fail(test, err)

    def addError(self, test, err):
        self._fail(test, err)

    def addSkip(self, test, reason):
        print("skip %s: %s (%s)" % (self.prefix, test._testMethodName, reason))


def main():
    path = sys.argv[1]
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    suite = unittest.defaultTestLoader.loadTestsFromModule(mod)
    prefix = "system/" + name
    result = LineResult(open(os.devnull, "w"), False, 0, prefix)
    suite.run(result)


main()
