"""User-style prompt templates written by the project, one family per kind of request.

Each family is a function of a Draw (a seeded random source that remembers which frame it chose,
so that the router's trainer can hold out whole frames for validation). The slot values are
ordinary, honest fills: names, numbers, tasks, tools. None of these frames is used by the
hand-written user-style held-out set (models/routing/user-heldout.txt), which was written apart.
"""
import random


class Draw:
    """A seeded random source; `frame` records the template chosen, which is the item's group."""

    def __init__(self, rng):
        self.rng = rng
        self.group = ""

    def frame(self, options):
        i = self.rng.randrange(len(options))
        self.group = "%s%d" % (self.group + ":" if self.group else "", i)
        return options[i]

    def any(self, options):
        return self.rng.choice(options)

    def int(self, lo, hi):
        return self.rng.randint(lo, hi)

    def chance(self, p):
        return self.rng.random() < p

    def fill(self, template, **slots):
        return template.format(**{k: (self.any(v) if isinstance(v, list) else v) for k, v in slots.items()})


def around(d, asks, body):
    """A pasted text with a request before or after it, the way people paste."""
    ask = d.frame(asks)
    if not ask:
        return body
    if d.chance(0.2):
        return body + "\n\n" + ask
    return ask + ("\n\n" if "\n" in body or d.chance(0.6) else " ") + body


# ---------------------------------------------------------------- code

LANGS = ["Java", "Python", "Go", "Rust", "C", "C++", "JavaScript", "TypeScript", "Node.js", "Bash", "Kotlin",
         "C#", "Ruby", "PHP", "Swift", "Scala", "Python 3", "Java 17", "golang", "modern C++", "plain JS"]
TASKS = ["reverse a linked list", "parse a CSV file", "read a file line by line", "sort a map by value",
         "open a TCP socket", "format a date as ISO 8601", "remove duplicates from a list", "retry an HTTP call with backoff",
         "check if a string is a palindrome", "merge two sorted arrays", "make an HTTP POST request with a JSON body",
         "implement a thread pool", "serialize a struct to JSON", "compute a SHA-256 hash", "walk a directory tree",
         "write a binary search", "avoid a null pointer exception", "validate an email address with a regex",
         "implement an LRU cache", "spawn a subprocess and read its output", "split a string on commas",
         "convert an integer to a string", "iterate over a dictionary", "define an interface", "handle errors properly",
         "write a unit test", "read environment variables", "parse command line flags", "debounce a function",
         "connect to PostgreSQL", "stream a large file without loading it into memory", "run tasks in parallel",
         "cancel a long-running task", "read a YAML config file", "log to a file with rotation", "mock a dependency in tests",
         "deep copy an object", "compare two floating point numbers", "pad a string with zeros", "flatten a nested list",
         "generate a UUID", "measure how long a function takes", "limit concurrency to 4 workers",
         "use a mutex correctly", "write a generic function", "convert bytes to a hex string", "upload a file",
         "parse JSON into a typed object", "paginate results from an API", "implement a rate limiter"]
HOWTO = ["How do I {task} in {lang}?", "how to {task} {lang}", "What's the idiomatic way to {task} in {lang}?",
         "Write a {lang} function to {task}.", "Show me how to {task} using {lang}.", "{lang}: {task}?",
         "Can you give me {lang} code that will {task}?", "I need to {task} in {lang}, what's the cleanest way?",
         "Best practice to {task} in {lang}", "In {lang}, how would you {task}?",
         "Quick question, how can I {task} with {lang}", "Example of how to {task} in {lang} please"]


def code_howto(d):
    return d.fill(d.frame(HOWTO), task=TASKS, lang=LANGS)


CONCEPTS = ["a mutex and a semaphore", "a process and a thread", "TCP and UDP", "REST and gRPC", "stack and heap memory",
            "an abstract class and an interface", "git merge and git rebase", "a left join and an inner join",
            "async/await and threads", "a list and a tuple in Python", "== and === in JavaScript", "let, const and var",
            "unit tests and integration tests", "a Docker image and a container", "a pointer and a reference in C++",
            "an index scan and a sequential scan", "optimistic and pessimistic locking", "a monolith and microservices",
            "SQL and NoSQL databases", "a Kubernetes Deployment and a StatefulSet", "horizontal and vertical scaling",
            "a goroutine and an OS thread", "Box, Rc and Arc in Rust", "checked and unchecked exceptions in Java"]
TOPICS_CS = ["big O notation", "a race condition", "dependency injection", "a memory leak in a garbage collected language",
             "the borrow checker", "a deadlock", "tail call optimisation", "a closure in JavaScript", "CORS",
             "an ORM", "the CAP theorem", "event sourcing", "a hash table collision", "garbage collection pauses",
             "the N+1 query problem", "a foreign key", "database normalisation", "idempotent API endpoints",
             "a B-tree index", "virtual memory", "the event loop in Node.js", "a JWT", "a reverse proxy",
             "semantic versioning", "continuous integration", "a segmentation fault", "undefined behaviour in C"]
CONCEPT_FRAMES = ["What's the difference between {pair}?", "Explain {topic} like I'm a junior developer.",
                  "When should I use {pair}?", "Can someone explain {topic}?", "What is {topic} and why does it matter?",
                  "{pair}: which one should I pick for a web backend?", "Give me an example of {topic} in code.",
                  "How do I avoid {topic}?"]


def code_concept(d):
    return d.fill(d.frame(CONCEPT_FRAMES), pair=CONCEPTS, topic=TOPICS_CS)


TABLES = ["users", "orders", "customers", "products", "invoices", "events", "payments", "employees", "sessions",
          "accounts", "items", "logs", "subscriptions", "tickets", "shipments"]
COLUMNS = ["id", "email", "name", "created_at", "status", "total", "price", "quantity", "user_id", "country",
           "updated_at", "amount", "score", "last_login", "department_id", "salary", "is_active", "region"]
SQL_STATEMENTS = [
    "SELECT {c1}, {c2} FROM {t} WHERE {c3} = {n} ORDER BY {c1} DESC LIMIT {m};",
    "SELECT * FROM {t} WHERE {c1} > {n};",
    "UPDATE {t} SET {c1} = {c1} * {f} WHERE {c2} = '{word}';",
    "UPDATE {t} SET {c1} = {n} WHERE {c2} < {m};",
    "DELETE FROM {t} WHERE {c1} < NOW() - INTERVAL '{n} days';",
    "INSERT INTO {t} ({c1}, {c2}) VALUES ({n}, '{word}');",
    "SELECT {c1}, COUNT(*) FROM {t} GROUP BY {c1} HAVING COUNT(*) > {n};",
    "SELECT a.{c1}, b.{c2} FROM {t} a LEFT JOIN {t2} b ON b.{c3} = a.id WHERE b.{c2} IS NULL;",
    "CREATE TABLE {t} (\n  id SERIAL PRIMARY KEY,\n  {c1} TEXT NOT NULL,\n  {c2} NUMERIC({n}, 2),\n  created_at TIMESTAMP DEFAULT now()\n);",
    "SELECT AVG({c1}) AS avg_{c1}, SUM({c2}) FROM {t} WHERE {c3} BETWEEN {n} AND {m};",
    "CREATE INDEX idx_{t}_{c1} ON {t} ({c1});",
    "SELECT {c1} FROM {t} WHERE {c2} IN (SELECT {c2} FROM {t2} WHERE {c3} >= {n});",
    "WITH ranked AS (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY {c1} ORDER BY {c2} DESC) AS rn FROM {t}\n)\nSELECT * FROM ranked WHERE rn <= {m};",
    "ALTER TABLE {t} ADD COLUMN {c1} INTEGER DEFAULT {n};",
    "select count(distinct {c1}) from {t} where {c2} = {n}",
]
SQL_ASKS = ["Why is this query so slow?", "What's wrong with this query?", "This returns duplicates, why?",
            "Can you optimise this SQL?", "Will this lock the whole table?", "Convert this to a JOIN:",
            "postgres gives me a syntax error on this:", "Is this safe to run in production?",
            "explain this sql", "How do I make this work in MySQL too?", "", "", "Rewrite this query with a CTE:",
            "This query returns 0 rows but I expect some:"]


def code_sql(d):
    t, t2 = d.rng.sample(TABLES, 2)
    c1, c2, c3 = d.rng.sample(COLUMNS, 3)
    stmt = d.fill(d.frame(SQL_STATEMENTS), t=t, t2=t2, c1=c1, c2=c2, c3=c3, n=str(d.int(1, 500)),
                  m=str(d.int(1, 100)), f="1.%d" % d.int(1, 25), word=["active", "paid", "pending", "US", "closed"])
    if d.chance(0.3):
        stmt = stmt.upper() if d.chance(0.3) else stmt.lower()
    return around(d, SQL_ASKS, stmt)


SQL_QUESTIONS = ["How do I get the latest row per {c} in SQL?", "How can I find duplicate {c} values in the {t} table?",
                 "What index should I add for a query filtering {t} by {c}?", "How to do an upsert in PostgreSQL?",
                 "How do I count {t} per day in postgres?", "Why does my GROUP BY complain that {c} must appear in an aggregate?",
                 "How do I paginate {t} efficiently without OFFSET?", "How to rename a column in SQLite?",
                 "what does EXPLAIN ANALYZE tell me about a query on {t}?", "How do I store money amounts in a SQL database?",
                 "Should {c} be a foreign key on {t}?", "How do I migrate the {t} table without downtime?"]


def code_sql_question(d):
    return d.fill(d.frame(SQL_QUESTIONS), c=COLUMNS, t=TABLES)


SHELL_COMMANDS = [
    "find . -name '*.{ext}' -mtime -{n} -exec rm {{}} \\;", "grep -rn '{word}' --include='*.{ext}' .",
    "tar -czvf backup-{n}.tar.gz /var/www", "sed -i 's/{word}/{word2}/g' config.{ext}",
    "awk -F, '{{sum += ${n}}} END {{print sum}}' data.csv", "chmod -R 755 /srv/app && chown -R www-data: /srv/app",
    "rsync -avz --delete ./build/ deploy@host:/var/www/", "curl -X POST -H 'Content-Type: application/json' -d '{{\"id\": {n}}}' http://localhost:{port}/api",
    "ps aux | grep {word} | awk '{{print $2}}' | xargs kill -9", "ssh -L {port}:localhost:5432 user@bastion",
    "journalctl -u {word}.service --since '1 hour ago'", "systemctl restart {word} && systemctl status {word}",
    "for f in *.{ext}; do mv \"$f\" \"${{f%.{ext}}}.bak\"; done", "du -sh * | sort -h | tail -{n}",
    "export PATH=$HOME/.local/bin:$PATH", "crontab -e\n*/{n} * * * * /usr/local/bin/backup.sh",
    "docker run -it --rm -p {port}:{port} -v $(pwd):/app node:20 bash", "kubectl logs -f deploy/{word} -n prod",
    "git log --oneline --graph --all | head -{n}", "lsof -i :{port}", "scp -r ./dist user@server:/opt/{word}",
    "#!/bin/bash\nset -euo pipefail\nfor host in $(cat hosts.txt); do\n  ssh \"$host\" 'uptime'\ndone",
    "if [ -z \"$1\" ]; then\n  echo \"usage: $0 file\"\n  exit 1\nfi\nwc -l \"$1\"",
    "xargs -P {n} -n 1 curl -sO < urls.txt", "nohup python3 server.py > out.log 2>&1 &",
]
SHELL_ASKS = ["What does this command do?", "Why doesn't this work in zsh?", "Is this safe to run?",
              "Explain this bash line:", "How do I make this run every night?", "This prints nothing, why?",
              "", "", "Rewrite this as a proper bash script:", "Permission denied when I run this:",
              "Can I do this without sudo?", "My script fails at this line:"]


def code_shell(d):
    cmd = d.fill(d.frame(SHELL_COMMANDS), ext=["log", "py", "js", "txt", "conf", "yaml", "tmp"], n=str(d.int(2, 30)),
                 word=["nginx", "redis", "worker", "api", "postgres", "foo", "backend", "cron"],
                 word2=["bar", "staging", "prod", "localhost", "v2"], port=str(d.any([3000, 5432, 6379, 8000, 8080, 9090, 443])))
    return around(d, SHELL_ASKS, cmd)


SHELL_QUESTIONS = ["How do I find which process is using port {port} on Linux?", "How can I recursively replace a string in all {ext} files?",
                   "How do I check disk usage per folder in the terminal?", "what's the bash equivalent of a try/catch?",
                   "How do I pass arguments to a shell script?", "How to loop over lines of a file in bash?",
                   "How do I keep a process running after I close ssh?", "How can I make a script exit on the first error?",
                   "How do I set an environment variable permanently on Ubuntu?", "why does my cron job not run but works by hand?",
                   "How do I tail a log file and filter for errors?", "How do I compare two directories from the command line?",
                   "How do I give a user sudo rights without a password for one command?", "Linux: how do I see open files of a process?"]


def code_shell_question(d):
    return d.fill(d.frame(SHELL_QUESTIONS), port=["80", "3000", "5432", "8080"], ext=[".js", ".py", ".yaml", ".md"])


GIT_QUESTIONS = ["How do I undo my last commit but keep the changes?", "How can I squash my last {n} commits?",
                 "git: how do I rename a branch locally and on the remote?", "How do I remove a file from git history?",
                 "How do I resolve a merge conflict in {file}?", "What does git cherry-pick do?",
                 "How do I see what changed in a commit?", "How can I stash only some files?",
                 "How do I get out of detached HEAD state?", "I committed to main by mistake, how do I move it to a new branch?",
                 "How do I revert a merge commit that's already pushed?", "Why does git status show {file} as modified when I didn't touch it?",
                 "How do I make git ignore changes to a tracked file?", "git pull vs git fetch: which should I use?",
                 "How do I sign my commits with GPG?", "How do I delete a remote branch?"]
GIT_ERRORS = ["fatal: refusing to merge unrelated histories", "error: failed to push some refs to 'origin'\nhint: Updates were rejected because the tip of your current branch is behind",
              "fatal: not a git repository (or any of the parent directories): .git",
              "error: Your local changes to the following files would be overwritten by checkout:\n\t{file}",
              "CONFLICT (content): Merge conflict in {file}\nAutomatic merge failed; fix conflicts and then commit the result.",
              "fatal: Authentication failed for 'https://example.com/team/repo.git/'",
              "error: pathspec '{branch}' did not match any file(s) known to git",
              "You are in 'detached HEAD' state. You can look around, make experimental changes and commit them",
              "fatal: The current branch {branch} has no upstream branch."]
GIT_ASKS = ["git gives me this:", "What does this mean and how do I fix it?", "Got this when pushing:", "help:", ""]


def code_git(d):
    if d.chance(0.5):
        return d.fill(d.frame(GIT_QUESTIONS), n=str(d.int(2, 9)), file=["src/main.rs", "package-lock.json", "README.md", "app.py"])
    err = d.fill(d.frame(GIT_ERRORS), file=["src/index.ts", "pom.xml", "Makefile", "config.yaml"],
                 branch=["feature/login", "develop", "fix-123", "release-2.1"])
    return around(d, GIT_ASKS, err)


BASE_IMAGES = ["python:3.12-slim", "node:20-alpine", "golang:1.22", "ubuntu:22.04", "eclipse-temurin:17-jre",
               "debian:bookworm", "nginx:1.25", "rust:1.77", "alpine:3.19"]
DOCKERFILE_LINES = ["RUN apt-get update && apt-get install -y {pkg}", "COPY . /app", "WORKDIR /app",
                    "RUN pip install -r requirements.txt", "RUN npm ci && npm run build", "EXPOSE {port}",
                    "ENV NODE_ENV=production", "RUN go build -o /bin/server ./cmd/server", "USER nobody",
                    "COPY --from=build /app/target/app.jar /app.jar", "RUN cargo build --release",
                    "ARG VERSION={n}", "HEALTHCHECK CMD curl -f http://localhost:{port}/health || exit 1"]
DOCKER_ERRORS = ["ERROR: failed to solve: process \"/bin/sh -c {cmd}\" did not complete successfully: exit code: {code}",
                 "COPY failed: file not found in build context or excluded by .dockerignore: stat {file}: file does not exist",
                 "docker: Error response from daemon: driver failed programming external connectivity: Bind for 0.0.0.0:{port} failed: port is already allocated.",
                 "exec /usr/local/bin/docker-entrypoint.sh: no such file or directory",
                 "standard_init_linux.go:228: exec user process caused: exec format error",
                 "E: Unable to locate package {pkg}", "Error response from daemon: manifest for {image} not found",
                 "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock"]
DOCKER_ASKS = ["My Dockerfile fails with this error:", "Why does my image build fail?", "docker build says:",
               "Can you review this Dockerfile?", "How do I make this image smaller?", "container exits immediately, Dockerfile:", ""]


def code_docker(d):
    slots = dict(pkg=["curl", "libpq-dev", "build-essential", "git", "python3-dev"], port=["80", "3000", "8080", "5000"],
                 n=str(d.int(1, 9)), cmd=["pip install -r requirements.txt", "npm ci", "apt-get install -y libpq-dev", "go build ./..."],
                 code=str(d.any([1, 2, 100, 127, 137])), file=["requirements.txt", "package.json", "target/app.jar"],
                 image=BASE_IMAGES)
    lines = ["FROM " + d.any(BASE_IMAGES)] + [d.fill(d.any(DOCKERFILE_LINES), **slots) for _ in range(d.int(2, 6))]
    lines.append(d.any(['CMD ["python", "app.py"]', 'CMD ["node", "dist/index.js"]', 'ENTRYPOINT ["/bin/server"]',
                        'CMD ["java", "-jar", "/app.jar"]']))
    dockerfile = "\n".join(lines)
    if d.chance(0.5):
        return around(d, DOCKER_ASKS, dockerfile + ("\n\n" + d.fill(d.any(DOCKER_ERRORS), **slots) if d.chance(0.5) else ""))
    return around(d, ["How do I fix this?", "docker error:", "Getting this from docker compose up:", ""],
                  d.fill(d.frame(DOCKER_ERRORS), **slots))


K8S = ["Back-off restarting failed container {app} in pod {app}-{h}", "Failed to pull image \"{image}\": rpc error: code = NotFound",
       "0/3 nodes are available: 3 Insufficient memory.", "Readiness probe failed: HTTP probe failed with statuscode: 503",
       "Error from server (Forbidden): pods is forbidden: User \"dev\" cannot list resource \"pods\" in API group \"\" in the namespace \"{ns}\"",
       "{app}-{h}   0/1     CrashLoopBackOff   {n}          {n}m", "OOMKilled: container {app} exceeded its memory limit",
       "error: unable to recognize \"deploy.yaml\": no matches for kind \"Deployment\" in version \"extensions/v1beta1\""]
K8S_YAML = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}\nspec:\n  replicas: {n}\n  template:\n    spec:\n      containers:\n        - name: {app}\n          image: {image}\n          resources:\n            limits:\n              memory: {mem}Mi"
K8S_ASKS = ["kubectl shows this, what's going on?", "My pod keeps failing:", "How do I debug this in Kubernetes?",
            "Why won't this deploy?", "what does this mean", ""]


def code_k8s(d):
    slots = dict(app=["api", "web", "worker", "gateway", "redis"], h="%x" % d.int(0x10000, 0xfffff), image=BASE_IMAGES,
                 ns=["default", "prod", "staging"], n=str(d.int(1, 40)), mem=str(d.any([128, 256, 512, 1024])))
    body = d.fill(d.frame(K8S), **slots)
    if d.chance(0.3):
        body = d.fill(K8S_YAML, **slots) + "\n\n" + body
    return around(d, K8S_ASKS, body)


CLASSES = ["UserService", "OrderController", "PaymentProcessor", "CacheManager", "ReportJob", "HttpClient", "Parser"]
METHODS = ["handle", "process", "load", "save", "parse", "validate", "getUser", "run", "apply", "fetchAll"]
JAVA_EXCEPTIONS = ["java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"name\" is null",
                   "java.lang.IllegalStateException: Connection pool shut down", "java.util.ConcurrentModificationException",
                   "java.lang.OutOfMemoryError: Java heap space", "java.lang.ClassCastException: class java.lang.Integer cannot be cast to class java.lang.Long",
                   "org.springframework.beans.factory.UnsatisfiedDependencyException: Error creating bean with name '{lower}'",
                   "java.sql.SQLException: Connection is not available, request timed out after {n}ms.",
                   "java.lang.ArrayIndexOutOfBoundsException: Index {n} out of bounds for length {m}"]
PY_ERRORS = ["KeyError: '{key}'", "TypeError: 'NoneType' object is not subscriptable", "AttributeError: 'dict' object has no attribute '{key}'",
             "ValueError: invalid literal for int() with base 10: '{key}'", "ModuleNotFoundError: No module named '{module}'",
             "IndexError: list index out of range", "RecursionError: maximum recursion depth exceeded",
             "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position {n}: invalid start byte",
             "ZeroDivisionError: division by zero", "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection refused"]
JS_ERRORS = ["TypeError: Cannot read properties of undefined (reading '{key}')", "ReferenceError: {key} is not defined",
             "Uncaught (in promise) TypeError: Failed to fetch", "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON",
             "Error: Cannot find module '{module}'", "TypeError: {key}.map is not a function",
             "UnhandledPromiseRejectionWarning: Error: connect ECONNREFUSED 127.0.0.1:{port}",
             "error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.",
             "Warning: Each child in a list should have a unique \"key\" prop."]
RUST_ERRORS = ["error[E0382]: borrow of moved value: `{key}`", "error[E0502]: cannot borrow `{key}` as mutable because it is also borrowed as immutable",
               "error[E0308]: mismatched types\n  expected `&str`, found `String`", "error[E0599]: no method named `{lower}` found for struct `{cls}` in the current scope",
               "thread 'main' panicked at 'called `Option::unwrap()` on a `None` value', src/main.rs:{n}:{m}",
               "error[E0106]: missing lifetime specifier"]
GO_ERRORS = ["panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x{hex}]\n\ngoroutine 1 [running]:\nmain.{lower}(...)\n\t/app/main.go:{n} +0x{hex}",
             "fatal error: all goroutines are asleep - deadlock!", "panic: assignment to entry in nil map",
             "./main.go:{n}:{m}: undefined: {cls}", "./handler.go:{n}:{m}: cannot use {key} (variable of type int) as string value in argument",
             "panic: runtime error: index out of range [{n}] with length {m}", "fatal error: concurrent map writes"]
C_ERRORS = ["Segmentation fault (core dumped)", "undefined reference to `{lower}'\ncollect2: error: ld returned 1 exit status",
            "main.c:{n}:{m}: warning: implicit declaration of function '{lower}' [-Wimplicit-function-declaration]",
            "free(): double free detected in tcache 2\nAborted (core dumped)", "*** stack smashing detected ***: terminated",
            "error: 'std::{key}' has not been declared", "==1234==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x{hex}",
            "main.cpp:{n}:{m}: error: no matching function for call to '{lower}(int&)'"]
BUILD_ERRORS = ["npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree", "npm ERR! missing script: {lower}",
                "error: externally-managed-environment\n× This environment is externally managed",
                "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile (default-compile) on project {lower}: Compilation failure",
                "Could not resolve all files for configuration ':app:compileClasspath'.", "ld: library not found for -lssl",
                "error: Microsoft Visual C++ 14.0 or greater is required.", "go: cannot find main module, but found .git/config"]
ERROR_ASKS = ["I get this error:", "What does this mean?", "How do I fix this?", "Why am I getting this?", "help, my build fails:",
              "Getting this stack trace in production:", "any idea?", "", "", "This started after I upgraded:",
              "Can you explain this error message?", "Tests pass locally but CI shows:"]


def _java_trace(d, slots):
    head = d.fill(d.any(JAVA_EXCEPTIONS), **slots)
    pkg = d.any(["com.acme.shop", "org.example.app", "io.myco.billing", "net.demo.api"])
    frames = ["\tat %s.%s.%s(%s.java:%d)" % (pkg, c, d.any(METHODS), c, d.int(12, 400))
              for c in [d.any(CLASSES) for _ in range(d.int(2, 5))]]
    return "Exception in thread \"main\" " + head + "\n" + "\n".join(frames) if d.chance(0.4) else head + "\n" + "\n".join(frames)


def _python_trace(d, slots):
    frames = []
    for _ in range(d.int(1, 3)):
        f = d.any(["app.py", "views.py", "utils/io.py", "models.py", "main.py", "tasks.py"])
        frames.append('  File "/srv/app/%s", line %d, in %s\n    %s' % (
            f, d.int(3, 300), d.any(["main", "load", "handle", "get_user", "<module>", "run"]),
            d.any(["data = json.loads(raw)", "return cfg[key]", "total = sum(x['price'] for x in items)",
                   "user = db.query(User).get(uid)", "result = items[i]"])))
    return "Traceback (most recent call last):\n" + "\n".join(frames) + "\n" + d.fill(d.any(PY_ERRORS), **slots)


def code_error(d):
    slots = dict(key=["user", "items", "config", "id", "name", "data", "token"], module=["requests", "express", "numpy", "./utils", "lodash"],
                 lower=["main", "parse_config", "init_db", "compute", "handler", "build", "start"], cls=CLASSES,
                 n=str(d.int(2, 600)), m=str(d.int(2, 80)), port=["3000", "5432", "6379", "8080"], hex="%x" % d.int(4096, 10 ** 7))
    kind = d.frame(["java", "python", "js", "rust", "go", "c", "build"])
    if kind == "java":
        body = _java_trace(d, slots)
    elif kind == "python":
        body = _python_trace(d, slots)
    else:
        body = d.fill(d.any({"js": JS_ERRORS, "rust": RUST_ERRORS, "go": GO_ERRORS, "c": C_ERRORS, "build": BUILD_ERRORS}[kind]), **slots)
    return around(d, ERROR_ASKS, body)


LOG_LINES = ['{ip} - - [12/Mar/2024:10:{mm}:{ss} +0000] "GET /api/v1/{path} HTTP/1.1" {status} {n} "-" "Mozilla/5.0"',
             '{date}T10:{mm}:{ss}.{ms}Z ERROR [{thread}] {cls} - Request failed: upstream timed out after {n} ms',
             '{{"level":"error","ts":"{date}T10:{mm}:{ss}Z","msg":"failed to connect","service":"{svc}","err":"dial tcp {ip}:5432: connect: connection refused"}}',
             'Mar 12 10:{mm}:{ss} web-{n} systemd[1]: {svc}.service: Main process exited, code=exited, status=1/FAILURE',
             'Mar 12 10:{mm}:{ss} web-{n} kernel: Out of memory: Killed process {pid} ({svc}) total-vm:{n}kB',
             '{date} 10:{mm}:{ss},{ms} WARN  [{svc}] Slow query ({n} ms): SELECT * FROM orders WHERE user_id = ?',
             '[{date} 10:{mm}:{ss}] production.ERROR: SQLSTATE[HY000] [2002] Connection refused',
             '{date} 10:{mm}:{ss} [error] {pid}#0: *{n} upstream prematurely closed connection while reading response header from upstream',
             'level=warn ts={date}T10:{mm}:{ss}Z caller=scrape.go:{n} msg="Append failed" err="out of bounds"']
LOG_ASKS = ["What's going on in these logs?", "Our service logs show this, what's the root cause?", "Why would nginx log this?",
            "I see this in the logs every few minutes:", "How do I parse these log lines?", "",
            "Write a regex to extract the status code from this log line:", "Is this something to worry about?"]


def code_logs(d):
    slots = dict(ip="10.0.%d.%d" % (d.int(0, 255), d.int(1, 254)), mm="%02d" % d.int(0, 59), ss="%02d" % d.int(0, 59),
                 ms="%03d" % d.int(0, 999), path=["users", "orders/42", "login", "health", "search?q=x"],
                 status=["200", "404", "500", "502", "504"], n=str(d.int(3, 9000)), date="2024-03-%02d" % d.int(1, 28),
                 thread=["main", "http-nio-8080-exec-3", "pool-2-thread-1"], cls=CLASSES, svc=["api", "worker", "nginx", "billing", "auth"],
                 pid=str(d.int(100, 60000)))
    lines = [d.fill(d.frame(LOG_LINES), **slots)]
    for _ in range(d.int(0, 3)):
        slots["mm"] = "%02d" % d.int(0, 59)
        lines.append(d.fill(d.any(LOG_LINES), **slots))
    return around(d, LOG_ASKS, "\n".join(lines))


CONFIGS = ['{{\n  "name": "{app}",\n  "version": "1.{n}.0",\n  "scripts": {{"build": "tsc", "start": "node dist/index.js", "test": "jest"}},\n  "dependencies": {{"express": "^4.18.2"}}\n}}',
           '{{\n  "compilerOptions": {{\n    "target": "ES2020",\n    "module": "commonjs",\n    "strict": true,\n    "outDir": "dist"\n  }}\n}}',
           'version: "3.8"\nservices:\n  {app}:\n    build: .\n    ports:\n      - "{port}:{port}"\n    depends_on:\n      - db\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example',
           'name: CI\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci\n      - run: npm test',
           'server:\n  port: {port}\nspring:\n  datasource:\n    url: jdbc:postgresql://localhost:5432/{app}\n    username: {app}\nlogging:\n  level:\n    root: INFO',
           '[tool.poetry]\nname = "{app}"\nversion = "0.{n}.0"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nfastapi = "^0.110"',
           '[package]\nname = "{app}"\nversion = "0.{n}.0"\nedition = "2021"\n\n[dependencies]\ntokio = {{ version = "1", features = ["full"] }}\nserde = "1"',
           'server {{\n    listen 80;\n    server_name example.com;\n    location / {{\n        proxy_pass http://127.0.0.1:{port};\n    }}\n}}',
           'scrape_configs:\n  - job_name: {app}\n    scrape_interval: {n}s\n    static_configs:\n      - targets: ["localhost:{port}"]']
CONFIG_ASKS = ["Is this config valid?", "Why is this YAML not parsed?", "What does this config do?", "nginx returns 502 with this config:",
               "GitHub Actions ignores this workflow:", "Add a cache step to this:", "", "The app can't reach the database with this:",
               "How do I override this value per environment?"]


def code_config(d):
    return around(d, CONFIG_ASKS, d.fill(d.frame(CONFIGS), app=["shop", "api", "billing", "webapp", "tracker"],
                                         n=str(d.int(1, 30)), port=["3000", "8000", "8080", "9090"]))


SNIPPETS = [
    "const res = await fetch('/api/{thing}');\nconst data = res.json();\nconsole.log(data.{field});",
    "useEffect(() => {{\n  fetch(url).then(r => r.json()).then(setItems);\n}});",
    "function sum(arr) {{\n  let total;\n  for (let i = 0; i <= arr.length; i++) total += arr[i];\n  return total;\n}}",
    "export async function get{Thing}(id: string): Promise<{Thing}> {{\n  const {{ data }} = await axios.get(`/api/{thing}/${{id}}`);\n  return data;\n}}",
    "type {Thing} = {{ id: number; {field}?: string }};\nconst x: {Thing} = {{ id: '1' }};",
    "for i := 0; i < len({thing}); i++ {{\n    go func() {{\n        process({thing}[i])\n    }}()\n}}",
    "func (s *Server) Handle(w http.ResponseWriter, r *http.Request) {{\n    defer r.Body.Close()\n    var req {Thing}\n    json.NewDecoder(r.Body).Decode(&req)\n}}",
    "fn main() {{\n    let v = vec![1, 2, 3];\n    let w = v;\n    println!(\"{{:?}}\", v);\n}}",
    "let {field}: Vec<String> = input.lines().map(|l| l.to_string()).collect();",
    "int *p = malloc(n * sizeof(int));\nfor (int i = 0; i <= n; i++) p[i] = i;\nfree(p);",
    "std::vector<int> v{{1, 2, 3}};\nfor (auto it = v.begin(); it != v.end(); ++it) {{\n  if (*it == 2) v.erase(it);\n}}",
    "char buf[16];\nstrcpy(buf, argv[1]);\nprintf(\"%s\\n\", buf);",
    "def get_{thing}(ids=[]):\n    ids.append(1)\n    return ids",
    "with open('{thing}.csv') as f:\n    for row in csv.reader(f):\n        total += int(row[2])",
    "public List<{Thing}> find{Thing}s() {{\n    return repo.findAll().stream().filter(x -> x.get{Field}() != null).collect(Collectors.toList());\n}}",
    "@GetMapping(\"/{thing}/{{id}}\")\npublic ResponseEntity<{Thing}> get(@PathVariable Long id) {{\n    return ResponseEntity.ok(service.find(id));\n}}",
    "SELECT u.{field}, o.total\nFROM users u JOIN orders o ON o.user_id = u.id\nWHERE o.created_at > '2024-01-01';",
    "$(document).ready(function() {{\n  $('#{field}').on('click', function() {{ $(this).toggleClass('active'); }});\n}});",
    "import React, {{ useState }} from 'react';\nexport default function {Thing}() {{\n  const [count, setCount] = useState(0);\n  return <button onClick={{() => setCount(count + 1)}}>{{count}}</button>;\n}}",
    "class {Thing}:\n    def __init__(self, {field}):\n        self.{field} = {field}\n\n    def __eq__(self, other):\n        return self.{field} == other.{field}",
]
SNIPPET_ASKS = ["What's wrong with this code?", "Why does this not work?", "Can you review this?", "Is there a bug here?",
                "How do I write this better?", "This compiles but gives the wrong result:", "Explain what this does:",
                "Convert this to TypeScript:", "Add error handling to this:", "Write a test for this:", "", "",
                "Why is the result undefined?", "Is this idiomatic?"]


def code_snippet(d):
    thing = d.any(["user", "order", "item", "invoice", "product", "message"])
    field = d.any(["name", "email", "price", "status", "title"])
    body = d.fill(d.frame(SNIPPETS), thing=thing, Thing=thing.capitalize(), field=field, Field=field.capitalize())
    return around(d, SNIPPET_ASKS, body)


CODE_CORPUS_ASKS = ["What does this code do?", "Can you explain this function?", "Find the bug in this code:",
                    "Refactor this to be more readable:", "Add comments to this snippet.", "Is this thread-safe?",
                    "Write unit tests for this:", "Review this code please:", "How can I make this faster?",
                    "What is the time complexity of this?", "What does this {lang} do?", "Explain this {lang} snippet line by line:",
                    "Port this {lang} to Python.", "Is this {lang} correct?", "Why won't this compile?", "", "", ""]


def code_corpus(d, lang, snippet):
    asks = [a.replace("{lang}", lang) for a in CODE_CORPUS_ASKS]
    return around(d, asks, snippet)


MAN_ASKS = ["What does this option do?", "Explain this part of the man page:", "Can you give me an example of this?",
            "I don't understand this from the docs:", "In plain words, what does this mean?", ""]
MAN_QUESTIONS = ["What does the {opt} option of {cmd} do?", "How do I use {cmd} {opt}?", "{cmd} {opt} example please",
                 "Is {opt} in {cmd} safe to use in a script?", "What's the difference between {cmd} {opt} and running {cmd} without it?"]


def code_man(d, command, excerpt, option):
    if option and d.chance(0.4):
        return d.fill(d.frame(MAN_QUESTIONS), cmd=command, opt=option)
    return around(d, MAN_ASKS, excerpt)


# ---------------------------------------------------------------- legal

LEGAL_CORPUS_ASKS = ["What does this clause mean?", "Summarize this license text:", "Is this a permissive license?",
                     "Explain in plain words:", "Does this allow commercial use?", "What are my obligations under this?",
                     "Can I modify and redistribute under these terms?", "Is there a warranty here?",
                     "What does this paragraph of the license mean for my company?", "Does this notice have to be kept?",
                     "Is this legally binding?", "", "", ""]
LICENSES = ["the GPL", "GPL-3", "GPL version 2", "the LGPL", "the MIT license", "Apache 2.0", "the Apache License",
            "the BSD license", "the Artistic License", "MPL 2.0", "the GFDL", "CC0", "a 3-clause BSD license",
            "the Expat license", "AGPL", "CC BY-SA 4.0", "CC BY-NC", "the Unlicense", "EUPL", "the ISC license"]
LICENSE_FRAMES = ["Can I use a library under {lic} in a closed-source product?", "Is {lic} compatible with {lic2}?",
                  "What are the obligations of {lic} when I distribute binaries?",
                  "Do I have to release my source code if I link against software under {lic}?",
                  "What is the difference between {lic} and {lic2}?", "Does {lic} include a patent grant?",
                  "Can I relicense code from {lic} to {lic2}?", "What notice must I keep when I copy files licensed under {lic}?",
                  "Is it legal to sell copies of software released under {lic}?",
                  "What happens to my license under {lic} if I violate its terms?",
                  "We use a {lic} component in our SaaS, do we need to publish anything?",
                  "Can my employer claim copyright on code I wrote on weekends and released under {lic}?"]


def legal_license(d):
    a, b = d.rng.sample(LICENSES, 2)
    return d.fill(d.frame(LICENSE_FRAMES), lic=a, lic2=b)


# Plain-words questions by area of law: who, what they did or want to do, and a frame.
LEGAL_AREAS = {
    "tenancy": (["my landlord", "the letting agent", "our property manager", "the new owner of my flat"],
                ["keep my security deposit for normal wear and tear", "enter my apartment without notice",
                 "raise the rent in the middle of the lease", "evict me for complaining about mold",
                 "refuse to return the deposit after I moved out", "charge me for repainting the walls",
                 "ban guests from staying overnight", "terminate my tenancy because they want to sell"]),
    "employment": (["my employer", "my boss", "the company I work for", "my manager", "HR"],
                   ["fire me while I'm on sick leave", "refuse to pay overtime", "read my work emails",
                    "make me sign a non-compete after I started", "cut my salary without my consent",
                    "deny my parental leave", "withhold my last paycheck", "force me to work unpaid trial shifts"]),
    "consumer": (["the shop", "an online store", "the airline", "the car dealer", "my gym", "my phone company"],
                 ["refuse a refund on a faulty laptop", "keep charging me after I cancelled",
                  "cancel my flight without compensation", "sell me a used car with a hidden defect",
                  "lock me into a contract I never signed", "charge a cancellation fee that was never mentioned"]),
    "privacy": (["my neighbour", "my employer", "a company", "my ex", "the school", "a website"],
                ["put up a camera that films my garden", "record our phone calls without telling me",
                 "sell my personal data", "refuse to delete my data when I ask", "post photos of my kids online",
                 "track my location through a work phone"]),
    "family": (["my ex-husband", "my ex-wife", "the other parent", "my stepfather", "my parents"],
               ["stop paying child support", "move abroad with our child", "refuse me visitation",
                "change our child's surname", "contest my late mother's will", "claim half of the house after the divorce"]),
    "traffic": (["the police", "a parking company", "the city", "the other driver's insurer"],
                ["fine me for a sign that was hidden", "tow my car from my own driveway", "refuse to pay for the damage to my car",
                 "suspend my licence for a first speeding offence", "send me a parking charge from a private car park"]),
    "business": (["my business partner", "a client", "a supplier", "my co-founder", "the freelancer we hired"],
                 ["refuse to pay an invoice", "walk away with the customer list", "use our logo without permission",
                  "break the contract and keep the deposit", "claim ownership of the code we paid for",
                  "compete with us after leaving the company"]),
    "neighbours": (["my neighbour", "the people next door", "the homeowners' association"],
                   ["build a fence on my land", "cut down the tree on the property line", "block my driveway",
                    "fine me for painting my door", "make noise every night after midnight"]),
}
LEGAL_FRAMES = ["Can {who} {what}?", "Is it legal for {who} to {what}?", "What are my rights if {who} tries to {what}?",
                "Is {who} allowed to {what}?", "Do I have any legal options if {who} wants to {what}?",
                "{who} says they can {what}. Is that true?", "Can I sue if {who} decides to {what}?",
                "Who do I complain to if {who} is about to {what}?", "In {place}, can {who} {what}?",
                "Does the law let {who} {what}, and what can I do about it?"]
PLACES = ["California", "England", "Germany", "Ontario", "New York", "Texas", "Australia", "Ireland", "the EU", "France"]


def legal_plain(d):
    who, what = LEGAL_AREAS[d.any(sorted(LEGAL_AREAS))]
    return d.fill(d.frame(LEGAL_FRAMES), who=who, what=what, place=PLACES)


LEGAL_TOPICS = ["the statute of limitations for unpaid debts", "a power of attorney", "probate", "adverse possession",
                "an easement", "joint and several liability", "force majeure", "consideration in contract law",
                "a restraining order", "small claims court", "an LLC versus a sole proprietorship", "trademark registration",
                "fair use", "a prenuptial agreement", "wrongful termination", "a cease and desist letter", "GDPR data subject rights",
                "a non-disclosure agreement", "habeas corpus", "strict liability", "a living will", "a lien on a house",
                "arbitration clauses", "the right to remain silent", "copyright in photos posted online", "a class action lawsuit"]
LEGAL_TOPIC_FRAMES = ["What is {topic}?", "Explain {topic} in simple terms.", "How does {topic} work?",
                      "When does {topic} apply?", "Do I need a lawyer for {topic}?", "What should I know about {topic}?"]


def legal_topic(d):
    return d.fill(d.frame(LEGAL_TOPIC_FRAMES), topic=LEGAL_TOPICS)


PARTIES = ["the Supplier", "the Customer", "the Licensee", "the Licensor", "the Company", "the Contractor",
           "the Tenant", "the Landlord", "the Employee", "the Service Provider", "the Buyer", "the Seller"]
JURISDICTIONS = ["the State of Delaware", "England and Wales", "the State of New York", "Ontario", "Germany",
                 "the State of California", "Ireland", "Singapore", "the Netherlands"]
CLAUSES = [
    "This Agreement shall be governed by and construed in accordance with the laws of {jur}, without regard to its conflict of laws principles. The courts of {jur} shall have exclusive jurisdiction over any dispute arising out of or in connection with this Agreement.",
    "{p1} shall indemnify, defend and hold harmless {p2} from and against any and all claims, losses, damages and expenses, including reasonable attorneys' fees, arising out of {p1}'s breach of this Agreement.",
    "In no event shall either party be liable for any indirect, incidental, special or consequential damages, and {p1}'s aggregate liability shall not exceed the fees paid in the {n} months preceding the claim.",
    "Either party may terminate this Agreement for convenience upon {n} days' prior written notice to the other party.",
    "{p2} shall keep confidential all Confidential Information disclosed by {p1} and shall not disclose it to any third party for a period of {n} years after termination.",
    "Neither party shall be liable for any failure or delay in performance caused by events beyond its reasonable control, including acts of God, war, strikes, epidemics or governmental action.",
    "For a period of {n} months following the termination of employment, the Employee shall not, directly or indirectly, engage in any business that competes with the Company within {m} miles.",
    "All intellectual property rights in the deliverables created by {p1} under this Agreement shall vest in {p2} upon full payment of the fees.",
    "Invoices are payable within {n} days of receipt. Late payments shall bear interest at {m} percent per month until paid in full.",
    "{p1} may not assign or transfer any of its rights or obligations under this Agreement without the prior written consent of {p2}, which shall not be unreasonably withheld.",
    "Any dispute arising out of this Agreement shall be finally settled by binding arbitration under the rules of the ICC, and the parties waive any right to a jury trial.",
    "The Tenant shall pay a security deposit equal to {n} months' rent, which the Landlord shall return within {m} days after the end of the tenancy, less any lawful deductions.",
    "This Agreement constitutes the entire agreement between the parties and supersedes all prior negotiations, representations and agreements, whether written or oral.",
    "This Agreement shall automatically renew for successive periods of {n} months unless either party gives notice of non-renewal at least {m} days before the end of the then-current term.",
    "If any provision of this Agreement is held invalid or unenforceable, the remaining provisions shall continue in full force and effect.",
    "{p1} warrants that the services will be performed in a professional and workmanlike manner. EXCEPT AS EXPRESSLY SET FORTH HEREIN, {p1} DISCLAIMS ALL OTHER WARRANTIES, EXPRESS OR IMPLIED.",
]
CLAUSE_ASKS = ["What does this clause mean?", "Is this clause enforceable?", "Should I sign a contract with this in it?",
               "My contract says:", "Can you explain this in plain English?", "Is this standard?", "Is this fair to me?",
               "Can I negotiate this?", "What happens if I break this?", "", "Found this in my employment contract:",
               "This is in the lease they sent me:"]


def legal_clause(d):
    p1, p2 = d.rng.sample(PARTIES, 2)
    text = d.fill(d.frame(CLAUSES), p1=p1, p2=p2, jur=JURISDICTIONS, n=str(d.any([3, 6, 12, 14, 24, 30, 60, 90])),
                  m=str(d.any([1, 2, 5, 10, 25, 50])))
    if d.chance(0.3):
        text = "%d.%d %s" % (d.int(1, 20), d.int(1, 9), text)
    return around(d, CLAUSE_ASKS, text)


TOS = ["By using the Service you grant us a worldwide, royalty-free license to use, reproduce and display any content you upload.",
       "We may share your personal information with our affiliates and advertising partners for marketing purposes.",
       "We may change these Terms at any time. Continued use of the Service after changes constitutes acceptance.",
       "You may request access to, correction of, or deletion of your personal data by contacting our data protection officer.",
       "Subscriptions renew automatically. You can cancel at any time, but fees already paid are non-refundable.",
       "You agree that any claim against us must be brought individually and not as a plaintiff in any class action.",
       "We retain log data for {n} days, after which it is deleted or anonymised."]
TOS_ASKS = ["Is this allowed under GDPR?", "What am I agreeing to here?", "Can they really do this?",
            "This is from an app's terms of service:", "Does this mean they own my photos?", ""]


def legal_tos(d):
    return around(d, TOS_ASKS, d.fill(d.frame(TOS), n=str(d.any([30, 90, 180, 365]))))


# ---------------------------------------------------------------- prose

PROSE_CORPUS_ASKS = ["Rewrite this passage in modern English:", "Summarize this passage:", "What is the moral here?",
                     "Explain this quote:", "Continue this story:", "Translate this into simpler words:", "What does this mean?",
                     "Who might have said this?", "Make this sound more cheerful:", "Turn this into a short poem:",
                     "What is the tone of this text?", "Paraphrase this for a ten year old:", "", "", ""]
WRITING_KINDS = ["a short story", "a poem", "a haiku", "a limerick", "a sonnet", "a bedtime story", "a fable",
                 "a short essay", "a speech", "a toast", "a eulogy", "a diary entry", "a song chorus", "an opening paragraph for a novel",
                 "a product description", "a birthday message", "a thank-you note", "a wedding speech", "a blog post intro",
                 "a dialogue between two friends", "a letter to my future self", "a short mystery"]
WRITING_TOPICS = ["the sea", "an old lighthouse", "a winter morning", "friendship", "a lost dog", "the harvest",
                  "a king and his daughter", "the first snow", "a journey across the desert", "a quiet village", "the stars",
                  "a broken promise", "the river in spring", "an honest merchant", "a storm at night", "growing old",
                  "a letter never sent", "the city at dawn", "my grandmother's garden", "courage", "a cat who hates Mondays",
                  "moving to a new country", "the last day of summer", "a robot learning to paint", "my best friend's 30th birthday",
                  "a rainy afternoon in a bookshop", "my team finishing a hard project", "autumn leaves", "a first day at school"]
WRITING_STYLES = ["", " in the style of Edgar Allan Poe", " for children", " in about 200 words", " that rhymes",
                  " with a twist ending", " in a funny tone", " in the second person", " in a melancholy mood", " in Shakespearean English"]
WRITING_FRAMES = ["Write {kind} about {topic}{style}.", "Can you write {kind} about {topic}{style}?",
                  "I need {kind} about {topic}{style}.", "Compose {kind} about {topic}{style}.",
                  "Give me {kind} on {topic}{style}, please.", "write me {kind} about {topic}"]


def prose_writing(d):
    return d.fill(d.frame(WRITING_FRAMES), kind=WRITING_KINDS, topic=WRITING_TOPICS, style=WRITING_STYLES)


MESSAGES = ["an email to my team announcing that I'm leaving", "a cover letter for a job as a {job}", "a LinkedIn summary for a {job}",
            "a polite email declining a wedding invitation", "a message congratulating my sister on her new baby",
            "an out-of-office reply", "a short bio for a conference speaker who works as a {job}",
            "a reference letter for my former intern", "a note apologising to my neighbour for the noise at my party",
            "a welcome message for new members of our book club", "a text asking my friend to lend me her car",
            "a condolence card for a colleague", "an invitation to my daughter's 8th birthday party",
            "a newsletter intro for our bakery", "a retirement speech for my boss"]
MESSAGE_FRAMES = ["Help me write {msg}.", "Draft {msg}.", "Can you write {msg}? Keep it warm but short.",
                  "Write {msg} in a friendly tone.", "I'm bad with words, could you write {msg}?"]


def prose_message(d):
    return d.fill(d.frame(MESSAGE_FRAMES), msg=MESSAGES, job=["nurse", "teacher", "data analyst", "chef", "graphic designer", "carpenter"])


EVERYDAY = ["me and him went to the store yesterday and buyed some apples", "their going to be late because of the traffic",
            "The meeting was very very important and everyone was there and it was long.",
            "I could of done better on the test if I studied more", "Its a nice day, lets go for a walk in the park.",
            "We was hoping you would come to our party on saturday.", "The report, which was wrote by our intern, have several mistakes.",
            "Between you and I, the new manager is not very good.", "Thank you for you're help with the move last week.",
            "Our hotel was nice, the staff was friendly, the food was great, the pool was cold."]
EDIT_ASKS = ["Proofread this:", "Fix the grammar:", "Make this more formal:", "Make this sound friendlier:",
             "Shorten this sentence:", "Is this sentence correct?", "Rewrite this more elegantly:", "Correct my English please:"]


def prose_edit(d):
    return around(d, EDIT_ASKS, d.any(EVERYDAY))


def prose_edit_corpus(d, sentence):
    return around(d, EDIT_ASKS + ["Give this paragraph a title:", "Write a follow-up sentence to this:"], sentence)


WORD_FRAMES = ["What does the word '{word}' mean?", "Define '{word}'.", "Use the word '{word}' in a sentence.",
               "Give me a synonym for '{word}'.", "What's the opposite of '{word}'?", "Where does the word '{word}' come from?",
               "How do you pronounce '{word}'?", "Is '{word}' a formal word?"]
GRAMMAR = ["When do I use 'affect' and when 'effect'?", "Is it 'who' or 'whom' in this sentence?",
           "What's the difference between 'fewer' and 'less'?", "Should there be a comma before 'which'?",
           "What is a dangling modifier?", "When should I use a semicolon?", "What is the past tense of 'lie'?",
           "Is it correct to split an infinitive?", "What does the idiom 'break the ice' mean?",
           "What is the difference between a metaphor and a simile?", "What is alliteration? Give examples.",
           "How do I use an em dash?", "What's the plural of 'cactus'?", "What does 'bite the bullet' mean?"]


def prose_words(d, words):
    if d.chance(0.4):
        return d.frame(GRAMMAR)
    return d.fill(d.frame(WORD_FRAMES), word=words)


BOOKS = ["Pride and Prejudice", "Moby-Dick", "Hamlet", "The Great Gatsby", "Jane Eyre", "Frankenstein", "Macbeth",
         "Great Expectations", "The Odyssey", "Wuthering Heights", "Don Quixote", "Little Women", "Dracula",
         "The Picture of Dorian Gray", "Romeo and Juliet", "Crime and Punishment", "Anna Karenina", "the Book of Job"]
BOOK_FRAMES = ["What is the main theme of {book}?", "Summarize {book} in a few sentences.", "Who is the narrator of {book}?",
               "Why is {book} considered a classic?", "What does the ending of {book} mean?", "Compare {book} with {book2}.",
               "Write a short review of {book}.", "What role does nature play in {book}?"]


def prose_books(d):
    a, b = d.rng.sample(BOOKS, 2)
    return d.fill(d.frame(BOOK_FRAMES), book=a, book2=b)


# ---------------------------------------------------------------- math

NAMES = ["Ann", "Ben", "Carla", "Dev", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jon", "Kira", "Liam", "Maya", "Omar"]


def math_word(d):
    n = d.int
    kind = d.frame(["speed", "discount", "interest", "work", "average", "ratio", "age", "area", "unit", "recipe",
                    "change", "percent", "time", "mixture", "tank"])
    name = d.any(NAMES)
    if kind == "speed":
        return "A %s travels %d km in %d hours. What is its average speed?" % (d.any(["train", "car", "cyclist", "bus"]), n(20, 900), n(2, 9))
    if kind == "discount":
        return "A jacket costs $%d and is on sale for %d%% off. How much do I pay?" % (n(20, 400), d.any([10, 15, 20, 25, 30, 40]))
    if kind == "interest":
        return "If I invest $%d at %d%% annual interest compounded yearly, how much will I have after %d years?" % (n(1, 50) * 100, n(2, 9), n(2, 15))
    if kind == "work":
        return "%s can paint a fence in %d hours and %s can do it in %d hours. How long if they work together?" % (name, n(2, 9), d.any(NAMES), n(2, 9))
    if kind == "average":
        return "%s scored %s on five tests. What is the average score?" % (name, ", ".join(str(n(50, 100)) for _ in range(5)))
    if kind == "ratio":
        return "Split $%d between two people in the ratio %d:%d. How much does each get?" % (n(10, 200) * 10, n(1, 5), n(1, 7))
    if kind == "age":
        return "%s is %d years older than %s. In %d years the sum of their ages will be %d. How old is %s now?" % (name, n(2, 9), d.any(NAMES), n(2, 9), n(30, 90), name)
    if kind == "area":
        return "A rectangular garden is %d m long and %d m wide. What is its area and perimeter?" % (n(3, 60), n(2, 40))
    if kind == "unit":
        return d.any(["How many centimetres are in %d inches?", "Convert %d miles to kilometres.", "How many seconds are in %d days?",
                      "What is %d degrees Fahrenheit in Celsius?", "How many litres is %d gallons?"]) % n(2, 400)
    if kind == "recipe":
        return "A recipe for %d people needs %d g of flour. How much flour do I need for %d people?" % (n(2, 6), n(100, 800), n(3, 20))
    if kind == "change":
        return "%s buys %d notebooks at $%d.%02d each and pays with a $%d bill. How much change does %s get?" % (name, n(2, 9), n(1, 5), n(0, 99), d.any([20, 50, 100]), name)
    if kind == "percent":
        return "A town's population grew from %d to %d. What is the percentage increase?" % (n(1000, 5000), n(5001, 9000))
    if kind == "time":
        return "A movie starts at %d:%02d and lasts %d minutes. When does it end?" % (n(1, 11), n(0, 59), n(80, 190))
    if kind == "mixture":
        return "How many litres of a %d%% salt solution must be added to %d litres of a %d%% solution to get a %d%% solution?" % (n(30, 60), n(2, 20), n(5, 15), n(16, 29))
    return "A tank holds %d litres and fills at %d litres per minute while draining at %d litres per minute. How long until it is full?" % (n(100, 2000), n(10, 40), n(1, 9))


def _poly(d):
    terms = []
    for power in range(d.int(1, 3), -1, -1):
        c = d.int(-9, 9)
        if c == 0:
            continue
        x = "" if power == 0 else "x" if power == 1 else "x^%d" % power
        terms.append("%s%s%s" % ("-" if c < 0 else "+", "" if abs(c) == 1 and x else abs(c), x))
    s = "".join(terms) or "x"
    return s[1:] if s.startswith("+") else s


def math_algebra(d):
    a, b, c = d.int(2, 12), d.int(-30, 30), d.int(-50, 50)
    frames = ["Solve for x: %dx + %d = %d" % (a, b, c), "Solve %dx - %d = %dx + %d" % (a, abs(b), d.int(1, 9), abs(c)),
              "Solve the quadratic equation x^2 + %dx + %d = 0" % (b, c), "Factor %s" % ("x^2 + %dx + %d" % (a + 3, 3 * a)),
              "Expand (x + %d)(x - %d)" % (a, d.int(1, 9)), "Simplify (%s) + (%s)" % (_poly(d), _poly(d)),
              "Solve the system: %dx + y = %d and x - %dy = %d" % (a, c, d.int(1, 5), b),
              "Find x if %d^x = %d" % (d.any([2, 3, 5]), d.any([8, 27, 125, 32, 81])), "Solve the inequality %dx - %d > %d" % (a, abs(b), c),
              "What is the slope of the line through (%d, %d) and (%d, %d)?" % (d.int(-9, 9), d.int(-9, 9), d.int(-9, 9), d.int(-9, 9)),
              "If f(x) = %s, what is f(%d)?" % (_poly(d), d.int(-5, 5)), "Find the roots of %s" % _poly(d)]
    return d.frame(frames)


def math_calculus(d):
    p = _poly(d)
    frames = ["What is the derivative of %s?" % p, "Differentiate %s with respect to x." % p,
              "Integrate %s dx" % p, "Compute the integral of %s from 0 to %d." % (p, d.int(1, 5)),
              "Find the limit of (%s)/(x - %d) as x approaches %d" % (p, d.int(1, 4), d.int(1, 4)),
              "What is the derivative of sin(%dx) * e^x?" % d.int(2, 9), "Find the maximum of f(x) = %s on [0, %d]" % (p, d.int(2, 9)),
              "Does the series sum 1/n^%d converge?" % d.int(1, 4), "What is the Taylor series of e^(%dx) around 0?" % d.int(2, 5),
              "d/dx [ln(x^%d + %d)] = ?" % (d.int(2, 4), d.int(1, 9)), "\\int_0^{%d} x^%d \\, dx" % (d.int(1, 9), d.int(2, 5)),
              "\\lim_{x \\to 0} \\frac{\\sin(%dx)}{x}" % d.int(2, 9)]
    return d.frame(frames)


def math_probability(d):
    n, k = d.int(5, 20), d.int(2, 4)
    frames = ["What is the probability of rolling a sum of %d with two dice?" % d.int(2, 12),
              "If I flip a fair coin %d times, what is the probability of exactly %d heads?" % (n, k),
              "How many ways can I choose %d people from a group of %d?" % (k, n),
              "A bag has %d red and %d blue marbles. I draw 2 without replacement. What is the probability both are red?" % (d.int(2, 9), d.int(2, 9)),
              "What is the expected value of a die roll?", "Find the mean, median and mode of %s." % ", ".join(str(d.int(1, 40)) for _ in range(7)),
              "What is the standard deviation of %s?" % ", ".join(str(d.int(1, 20)) for _ in range(5)),
              "How many different %d-digit PIN codes are there if digits can't repeat?" % k,
              "What is the probability of drawing %d aces from a standard deck?" % k, "What is %d choose %d?" % (n, k),
              "A test is %d%% accurate and the disease affects 1 in %d people. If I test positive, what's the chance I'm sick?" % (d.int(90, 99), d.any([100, 1000, 500]))]
    return d.frame(frames)


def math_geometry(d):
    a, b = d.int(2, 30), d.int(2, 30)
    frames = ["What is the area of a circle with radius %d?" % a, "A right triangle has legs %d and %d. How long is the hypotenuse?" % (a, b),
              "What is the volume of a sphere with radius %d cm?" % a, "The angles of a triangle are %d and %d degrees. What is the third?" % (d.int(20, 80), d.int(20, 80)),
              "What is sin(%d degrees)?" % d.any([30, 45, 60, 90]), "Find the circumference of a circle with diameter %d." % a,
              "How many degrees are in the interior angles of a %d-sided polygon?" % d.int(5, 12),
              "What is the distance between the points (%d, %d) and (%d, %d)?" % (d.int(-9, 9), d.int(-9, 9), d.int(-9, 9), d.int(-9, 9)),
              "A cylinder has radius %d and height %d. What is its volume?" % (a, b), "Convert %d degrees to radians." % d.any([30, 45, 120, 270])]
    return d.frame(frames)


def math_numbers(d):
    a, b = d.int(12, 999), d.int(6, 300)
    frames = ["What is the greatest common divisor of %d and %d?" % (a, b), "Find the least common multiple of %d and %d." % (a, b),
              "Is %d a prime number?" % a, "What is the prime factorization of %d?" % a, "What is %d mod %d?" % (a, b),
              "What is %d factorial?" % d.int(4, 12), "Convert %d to binary." % a, "What is %d%% of %d?" % (d.int(2, 90), a),
              "What is %d to the power of %d?" % (d.int(2, 12), d.int(2, 6)), "What is the square root of %d?" % (a * a),
              "What is %d times %d?" % (a, b), "Divide %d by %d." % (a * b, b), "What is %d/%d + %d/%d as a fraction?" % (d.int(1, 9), d.int(2, 9), d.int(1, 9), d.int(2, 9)),
              "Round %d.%d to the nearest whole number." % (a, d.int(1, 99)), "%d.%d * %d.%d = ?" % (d.int(1, 99), d.int(1, 9), d.int(1, 9), d.int(1, 9)),
              "What is %d squared minus %d squared?" % (a, b), "Prove that the sum of the first n odd numbers is n^2.",
              "Prove that the square root of %d is irrational." % d.any([2, 3, 5, 7]), "Is %d divisible by %d?" % (a, d.int(3, 11))]
    return d.frame(frames)


def math_linear(d):
    m = [[d.int(-9, 9) for _ in range(2)] for _ in range(2)]
    frames = ["What is the determinant of the matrix [[%d, %d], [%d, %d]]?" % (m[0][0], m[0][1], m[1][0], m[1][1]),
              "Find the eigenvalues of [[%d, %d], [%d, %d]]." % (m[0][0], m[0][1], m[1][0], m[1][1]),
              "Multiply the matrices [[1, %d], [%d, 0]] and [[%d, 2], [1, %d]]." % (m[0][0], m[0][1], m[1][0], m[1][1]),
              "What is the dot product of (%d, %d, %d) and (%d, %d, %d)?" % tuple(d.int(-9, 9) for _ in range(6)),
              "Find the inverse of the matrix [[%d, %d], [%d, %d]]." % (m[0][0], m[0][1], m[1][0], m[1][1]),
              "Are the vectors (%d, %d) and (%d, %d) linearly independent?" % tuple(d.int(-9, 9) for _ in range(4))]
    return d.frame(frames)


# ---------------------------------------------------------------- frames shared by every domain
# The same question shapes in every domain, so that the lexical tier learns what a question is about
# rather than how it is phrased.

SHARED_PAIR_FRAMES = ["What's the difference between {a} and {b}?", "{a} vs {b}: when does it matter?",
                      "Can you explain the difference between {a} and {b} with an example?", "How is {a} different from {b}?",
                      "Is {a} the same thing as {b}?", "Compare {a} and {b} for me."]
SHARED_TOPIC_FRAMES = ["Explain {x} in simple terms.", "What is {x}?", "Can you explain {x} with an example?",
                       "How does {x} work?", "I don't really get {x}. Help?", "Give me a quick overview of {x}.",
                       "Why does {x} matter?", "Teach me {x} step by step.", "What are common mistakes with {x}?",
                       "Is there an easy way to remember {x}?", "ELI5: {x}"]
SHARED = {
    "code": (["a class and an object", "a compiler and an interpreter", "HTTP and HTTPS", "a library and a framework",
              "Vue and React", "Django and Flask", "Postgres and MongoDB", "Docker and a virtual machine", "GraphQL and REST",
              "a thread pool and an executor", "a struct and a class in C++", "Kotlin and Java", "npm and yarn",
              "a fork and a clone on GitHub", "static and dynamic typing", "a unit test and a mock"],
             ["recursion", "a hash map", "a REST API", "object-oriented programming", "a linked list", "a Docker volume",
              "a git branch", "an SQL join", "a promise in JavaScript", "a pointer in C", "the Rust ownership model",
              "a goroutine", "a regular expression", "a makefile", "a load balancer", "a message queue", "Big O notation",
              "a Kubernetes pod", "a websocket", "a CI pipeline"]),
    "legal": (["a lease and a licence to occupy", "civil and criminal law", "mediation and arbitration", "a patent and a trademark",
               "a contractor and an employee", "a deed and a contract", "libel and slander", "custody and guardianship",
               "a limited company and a partnership", "a warrant and a subpoena", "an executor and a trustee",
               "a fine and a criminal record", "negligence and gross negligence", "a tenant and a lodger"],
              ["the statute of limitations", "a power of attorney", "adverse possession", "consumer protection law",
               "tenant rights", "wrongful dismissal", "small claims court", "fair use", "probate", "a restraining order",
               "common law marriage", "the GDPR right to erasure", "employment at will", "an NDA", "liability insurance",
               "a plea bargain", "jury duty", "copyright infringement", "a prenup", "squatters' rights"]),
    "prose": (["a simile and a metaphor", "prose and poetry", "a novel and a short story", "a theme and a motif",
               "a colon and a semicolon", "active and passive voice", "an essay and a report", "a memoir and an autobiography",
               "comedy and satire", "a limerick and a haiku", "irony and sarcasm", "alliteration and assonance",
               "a protagonist and an antagonist", "'farther' and 'further'"],
              ["foreshadowing", "iambic pentameter", "a plot twist", "show, don't tell", "a cliffhanger", "the hero's journey",
               "free verse", "a personal essay", "dramatic irony", "an epigraph", "the Oxford comma", "writer's block",
               "a frame narrative", "magical realism", "a villanelle", "the subjunctive mood", "an allegory", "onomatopoeia"]),
    "math": (["mean and median", "permutations and combinations", "a derivative and an integral", "rational and irrational numbers",
              "variance and standard deviation", "a function and a relation", "sine and cosine", "correlation and causation",
              "a vector and a scalar", "simple and compound interest", "a prime and a composite number", "an equation and an identity",
              "radians and degrees", "a matrix and a determinant"],
             ["the chain rule", "a logarithm", "standard deviation", "the Pythagorean theorem", "modular arithmetic",
              "a geometric series", "the quadratic formula", "integration by parts", "conditional probability", "a limit",
              "Bayes' theorem", "an eigenvector", "the binomial theorem", "proof by induction", "a complex number",
              "the normal distribution", "the fundamental theorem of calculus", "significant figures"]),
}


def shared(domain):
    pairs, topics = SHARED[domain]

    def family(d):
        if d.chance(0.4):
            a, b = d.any(pairs).split(" and ", 1)
            return d.fill(d.frame(SHARED_PAIR_FRAMES), a=a, b=b)
        return d.fill(d.frame(SHARED_TOPIC_FRAMES), x=topics)
    return family


CODE_CHOICES = ["React", "Vue", "Angular", "Svelte", "Django", "FastAPI", "Spring Boot", "Rails", "Laravel", "Express",
                "Next.js", "Go", "Rust", "Kotlin", "PostgreSQL", "MySQL", "MongoDB", "Redis", "Kafka", "RabbitMQ", "Terraform",
                "Ansible", "Kubernetes", "Docker Swarm", "GitHub Actions", "Jenkins", "TypeScript", "Elixir", "Flutter", "SwiftUI"]
CODE_USES = ["a small internal dashboard", "a high-traffic API", "a side project", "a startup MVP", "a mobile app",
             "a team of three juniors", "a CLI tool", "background jobs", "an e-commerce site", "real-time chat"]
CHOICE_FRAMES = ["{a} or {b} for {use}?", "Should I learn {a} or {b} first?", "Is {a} still worth learning?",
                 "What are the pros and cons of {a} for {use}?", "We're picking between {a} and {b} for {use}. Thoughts?",
                 "Would you use {a} for {use}?", "Is {a} overkill for {use}?"]


def code_choice(d):
    a, b = d.rng.sample(CODE_CHOICES, 2)
    return d.fill(d.frame(CHOICE_FRAMES), a=a, b=b, use=CODE_USES)


SITUATIONS = ["I got a parking fine while my car was broken down", "my landlord sold the building and the new owner wants me out",
              "I was laid off by text message", "my contractor took a deposit and disappeared", "I signed up for a free trial and got charged for a year",
              "a company used my photo in an advert", "my roommate stopped paying his half of the rent", "I was rear-ended at a red light",
              "my employer wants me to repay training costs after I resign", "a debt collector keeps calling my workplace",
              "my online order never arrived and the seller won't answer", "I was stopped by police and asked to unlock my phone",
              "my late father's house is still in his name", "the other parent moved our kids to another state",
              "my neighbour's dog bit my son", "I received a copyright strike for my own video", "I was caught on a speed camera abroad",
              "my insurer refuses to pay for water damage", "my boss docked my pay for a broken laptop", "a bank froze my account without explanation"]
SITUATION_QUESTIONS = ["Is that legal?", "What are my options?", "Can they do that?", "Do I have to pay?", "Should I get a lawyer?",
                       "Am I liable?", "What does the law say?", "Can I sue?", "Who is responsible?", "What rights do I have here?"]
SITUATION_FRAMES = ["{s}. {q}", "So {s}... {q}", "{s} - {q}", "Hi, {s}. {q} Thanks.", "Quick legal question: {s}. {q}"]
TROUBLE_ACTS = ["downloading movies from torrent sites", "not returning a library book", "driving with an expired licence",
                "lying on a rental application", "keeping a package delivered to me by mistake", "working without a permit",
                "using someone else's wifi", "recording a meeting", "selling alcohol without a licence", "feeding pigeons in the city"]
TROUBLE_FRAMES = ["Can I get in trouble for {act}?", "Is {act} a crime?", "What's the penalty for {act}?", "Could I be fined for {act}?"]


def legal_situation(d):
    if d.chance(0.3):
        return d.fill(d.frame(TROUBLE_FRAMES), act=TROUBLE_ACTS)
    s = d.any(SITUATIONS)
    return d.fill(d.frame(SITUATION_FRAMES), s=s[0].upper() + s[1:] if d.chance(0.5) else s, q=SITUATION_QUESTIONS)


MATH_FACTS = ["the sum of the first n integers is n(n+1)/2", "a negative times a negative is positive", "you can't divide by zero",
              "the harmonic series diverges", "e is irrational", "there are as many even numbers as whole numbers",
              "the derivative of e^x is e^x", "0! equals 1", "a circle's area is pi r^2", "the square of an even number is even",
              "every integer greater than 1 has a prime factorization", "the diagonal of a unit square is sqrt(2)"]
WHY_FRAMES = ["Why is it true that {f}?", "Prove that {f}.", "Can you show me why {f}?", "Is it really true that {f}? Why?",
              "Give an intuitive explanation of why {f}."]


def math_why(d):
    return d.fill(d.frame(WHY_FRAMES), f=MATH_FACTS)


HOWTO_TASKS = {
    "code": ["set up a Python virtual environment", "squash commits before a merge", "deploy a Node app on a VPS",
             "read a stack trace", "profile memory in a Java service", "write a Dockerfile for a Go service",
             "add an index without locking the table", "debug a flaky test", "version a REST API", "structure a React app",
             "speed up a slow Postgres query", "set up SSH keys for GitHub", "handle time zones in a web app"],
    "legal": ["file a small claims case", "register a trademark for a clothing brand", "get a restraining order",
              "dispute a parking fine", "get a deposit back from a landlord", "report wage theft", "change my name legally",
              "apply for custody", "end a lease early", "form an LLC", "request my personal data from a company",
              "appeal a court decision", "make a will without a lawyer", "register a copyright"],
    "prose": ["write a strong opening line", "make my characters feel real", "end a short story", "write dialogue that sounds natural",
              "improve my vocabulary", "structure a persuasive essay", "write a haiku", "give a good best man speech",
              "write a cover letter that stands out", "start a poem", "pace a thriller", "write a eulogy",
              "describe a place without listing things", "make my writing sound less formal"],
    "math": ["find the area of a trapezoid", "calculate a percentage increase", "complete the square", "turn a fraction into a decimal",
             "invert a 3x3 matrix", "compute a weighted average", "calculate compound interest by hand", "find the slope of a line",
             "simplify a fraction", "do long division", "find the volume of a pyramid", "calculate a standard deviation by hand",
             "use the product rule", "solve a system of three equations"],
}
HOWTO_FRAMES = ["How do I {t}?", "how to {t}", "What's the best way to {t}?", "Can you show me how to {t}?", "Steps to {t}?",
                "I need to {t}. Where do I start?", "Any tips on how to {t}?"]


def shared_howto(domain):
    return lambda d: d.fill(d.frame(HOWTO_FRAMES), t=HOWTO_TASKS[domain])


FIRST_PERSON = {
    "code": [("I got a segfault after adding one line to my C program", ["What should I check first?", "Any idea why?"]),
             ("I was asked to review a pull request with three thousand changed lines", ["Where do I start?", "Any tips?"]),
             ("I got a merge conflict in a file I never touched", ["How is that possible?", "How do I fix it?"]),
             ("I was told my login query is open to SQL injection", ["How do I fix it?", "What does that mean?"]),
             ("my Windows terminal says pip is not recognized", ["How do I fix it?", "What did I miss?"]),
             ("our website went down after the last deploy and the logs show 502s", ["Where do I look?", "What could it be?"]),
             ("I inherited a legacy PHP codebase with no tests", ["How should I approach it?", "Where do I start?"])],
    "prose": [("I was asked to give the toast at my sister's wedding", ["Can you help me?", "Any tips?"]),
              ("I was told my essays are too wordy", ["How do I fix that?", "Any tips?"]),
              ("I got writer's block halfway through my novel", ["Any advice?", "How do I get going again?"]),
              ("I have to write a speech for my grandfather's 80th birthday", ["Could you draft one?", "Where do I start?"]),
              ("my teacher says my stories have no atmosphere", ["How can I improve?", "What does she mean?"]),
              ("I want to start a poetry journal", ["What should I write about?", "Any prompts?"])],
    "math": [("I got 14 out of 20 on one quiz and 18 out of 25 on another", ["What's my overall percentage?"]),
             ("I was charged 180 dollars for 12 hours of parking", ["What's the hourly rate?"]),
             ("I got a 15% raise on a salary of 42,000", ["What is my new salary?"]),
             ("I have 3 shirts, 4 pairs of trousers and 2 jackets", ["How many outfits can I make?"]),
             ("I ran 5 km in 27 minutes", ["What was my average speed in km/h?"]),
             ("I paid 12,000 for a car that loses 12% of its value per year", ["What is it worth after 5 years?"]),
             ("I need to cover a floor of 4.2 m by 3.5 m with tiles of 30 cm by 30 cm", ["How many tiles do I need?"])],
}


def shared_first_person(domain):
    def family(d):
        s, qs = d.frame(FIRST_PERSON[domain])
        return d.any(["%s. %s", "So %s... %s", "Hi! %s. %s"]) % (s[0].upper() + s[1:], d.any(qs))
    return family


FAMILIES = {
    "code": [("how-to", code_howto, 8), ("concept", code_concept, 5), ("sql", code_sql, 8), ("sql-question", code_sql_question, 3),
             ("shell", code_shell, 6), ("shell-question", code_shell_question, 3), ("git", code_git, 4), ("docker", code_docker, 5),
             ("kubernetes", code_k8s, 3), ("error-trace", code_error, 10), ("logs", code_logs, 4), ("config", code_config, 4),
             ("snippet", code_snippet, 6), ("choice", code_choice, 4), ("shared-frames", shared("code"), 5),
             ("how-do-i", shared_howto("code"), 3), ("first-person", shared_first_person("code"), 2)],
    "legal": [("licence-question", legal_license, 8), ("plain-question", legal_plain, 22), ("legal-topic", legal_topic, 8),
              ("contract-clause", legal_clause, 16), ("terms-of-service", legal_tos, 5), ("situation", legal_situation, 14),
              ("shared-frames", shared("legal"), 10), ("how-do-i", shared_howto("legal"), 6)],
    "prose": [("writing", prose_writing, 18), ("message", prose_message, 10), ("edit", prose_edit, 5),
              ("word-and-grammar", None, 9), ("books", prose_books, 8), ("shared-frames", shared("prose"), 10),
              ("how-do-i", shared_howto("prose"), 6), ("first-person", shared_first_person("prose"), 3)],
    "math": [("word-problem", math_word, 22), ("algebra", math_algebra, 14), ("calculus", math_calculus, 10),
             ("probability-statistics", math_probability, 10), ("geometry", math_geometry, 8), ("number", math_numbers, 12),
             ("linear-algebra", math_linear, 4), ("why-and-proof", math_why, 5), ("shared-frames", shared("math"), 8),
             ("how-do-i", shared_howto("math"), 5), ("first-person", shared_first_person("math"), 3)],
}
