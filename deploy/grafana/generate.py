#!/usr/bin/env python3
"""Writes the Grafana dashboards in dashboards/ from the panel lists below (python3 generate.py).

Every panel reads the Prometheus data source chosen in the dashboard's ${datasource} variable, has a unit,
and takes rates over $__rate_interval (quality figures come from the hourly recording rules instead).
The JSON files are what Grafana loads (provisioning/); edit here and regenerate, so the four stay alike.
The tests (gateway/src/test/.../deploy) check the JSON's structure and run every query against a real
Prometheus.
"""
import json
import os

DS = {"type": "prometheus", "uid": "${datasource}"}
CLIENT = 'traffic="client"'
SERVER_ERRORS = 'outcome=~"unknown|internal|unavailable|deadline_exceeded|data_loss|unimplemented"'
RI = "$__rate_interval"


def rate(metric, selector, by):
    return f"sum by ({by}) (rate({metric}{{{selector}}}[{RI}]))"


def ratio(metric, part, whole, by):
    """part / whole, reading 0 rather than nothing where part has no series."""
    return (f"({rate(metric, part, by)} or 0 * {rate(metric, whole, by)})"
            f" / {rate(metric, whole, by)}")


def quantiles(metric, selector, by, qs=(0.5, 0.95)):
    group = f"{by}, le" if by else "le"
    legend = "".join("{{" + b.strip() + "}} " for b in by.split(",")) if by else ""
    return [(f"histogram_quantile({q}, sum by ({group}) (rate({metric}_bucket{{{selector}}}[{RI}])))",
             f"{legend}p{round(q * 100)}") for q in qs]


def panel(title, unit, targets, description="", kind="timeseries", **options):
    p = {"type": kind, "title": title, "description": description, "datasource": DS,
         "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
         "targets": [dict({"refId": chr(ord("A") + i), "datasource": DS, "expr": expr, "legendFormat": legend},
                          **({"format": "heatmap"} if kind == "heatmap" else {}))
                     for i, (expr, legend) in enumerate(targets)]}
    if kind == "timeseries":
        p["options"] = {"legend": {"displayMode": "table", "placement": "right"}, "tooltip": {"mode": "multi"}}
    p.update(options)
    return p


def row(title):
    return {"type": "row", "title": title, "collapsed": False, "panels": []}


def variable(name, label, query):
    return {"type": "query", "name": name, "label": label, "datasource": DS,
            "query": {"query": query, "refId": name}, "definition": query, "refresh": 2,
            "includeAll": True, "allValue": ".*", "multi": True,
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "sort": 1}


def dashboard(uid, title, description, items, variables=()):
    panels, x, y, height = [], 0, 0, 8
    for i, item in enumerate(items, start=1):
        item = dict(item, id=i)
        if item["type"] == "row":
            if x:
                x, y = 0, y + height
            item["gridPos"] = {"h": 1, "w": 24, "x": 0, "y": y}
            y += 1
        else:
            item["gridPos"] = {"h": height, "w": 12, "x": x, "y": y}
            x, y = (12, y) if x == 0 else (0, y + height)
        panels.append(item)
    datasource = {"type": "datasource", "name": "datasource", "label": "Data source", "query": "prometheus",
                  "current": {}, "hide": 0, "includeAll": False, "multi": False, "refresh": 1}
    return {"uid": uid, "title": title, "description": description, "tags": ["goldilocks"],
            "timezone": "browser", "schemaVersion": 39, "version": 1, "editable": True, "graphTooltip": 1,
            "refresh": "30s", "time": {"from": "now-1h", "to": "now"},
            "annotations": {"list": []}, "links": [],
            "templating": {"list": [datasource] + list(variables)},
            "panels": panels}


def overview():
    sel = f'{CLIENT}, model=~"$model", domain=~"$domain"'
    return dashboard("goldilocks-overview", "Goldilocks / Overview",
                     "Client traffic at the gateways: rate, errors and duration per RPC, load, and the SLOs.", [
        row("Traffic (client requests; probes and shadow runs are the gateway's own)"),
        panel("Requests per second by RPC", "reqps", [(rate("goldilocks_requests_total", sel, "rpc"), "{{rpc}}")]),
        panel("Requests by outcome", "reqps", [(rate("goldilocks_requests_total", sel, "outcome"), "{{outcome}}")],
              "Final gRPC status of each request, in lower case."),
        panel("Server error ratio by RPC", "percentunit",
              [(ratio("goldilocks_requests_total", f"{sel}, {SERVER_ERRORS}", sel, "rpc"), "{{rpc}}")],
              "Server errors (unknown, internal, unavailable, deadline_exceeded, data_loss, unimplemented) "
              "among all requests; client errors (invalid_argument, not_found, ...) do not count."),
        panel("Duration by RPC", "s", quantiles("goldilocks_request_seconds", sel, "rpc", (0.5, 0.95, 0.99)),
              "End-to-end at the gateway, from receipt to the last byte."),
        panel("Time to first token", "s", quantiles("goldilocks_time_to_first_token_seconds", sel, "model")),
        panel("Duration per stage (p95)", "s",
              quantiles("goldilocks_stage_seconds", 'model=~"$model"', "stage", (0.95,)),
              "route: classify and choose; queue: waiting at the worker; compute: running the model."),
        row("Load"),
        panel("Requests in flight per gateway", "short",
              [("sum by (instance) (goldilocks_requests_in_flight)", "{{instance}}")],
              "What the gateway HPA scales on; past limits.max_in_flight a gateway sheds with RESOURCE_EXHAUSTED."),
        panel("Shed load", "reqps", [
            (rate("goldilocks_requests_total", f'{CLIENT}, outcome="resource_exhausted"', "model"),
             "client requests refused: {{model}}"),
            (rate("goldilocks_worker_requests_total", 'outcome="resource_exhausted"', "model"),
             "worker queue full: {{model}}"),
            (rate("goldilocks_shadow_shed_total", "", "domain"), "shadow runs dropped: {{domain}}")],
              "Work refused for capacity instead of queued: by clients' requests, at the workers' queues, "
              "and shadow runs the gateway skipped."),
        panel("Traffic by class", "reqps",
              [(rate("goldilocks_requests_total", "", "traffic"), "{{traffic}}")],
              "client, and the gateway's own probe and shadow traffic."),
        row("Service level objectives (recording rules of deploy/prometheus/rules/goldilocks-slo.rules.yml)"),
        panel("Availability: error budget burn rate", "short", [
            (f"goldilocks:slo_availability_errors:ratio_rate{w} / 0.001", w) for w in ("5m", "1h", "6h")],
              "Errors as a multiple of the 99.9% objective's budget: 1 spends it in exactly 30 days; "
              "the page fires above 14.4 (1h and 5m) or 6 (6h and 30m)."),
        panel("Latency: error budget burn rate", "short", [
            (f"goldilocks:slo_ttft_slow:ratio_rate{w} / 0.01", w) for w in ("5m", "1h", "6h")],
              "First tokens slower than 1.07 s as a multiple of the 99% objective's budget."),
        row("Admission and dispatch"),
        panel("Requests shed at the gateway by reason", "reqps",
              [(rate("goldilocks_load_shed_total", "", "model, reason"), "{{model}}: {{reason}}")]),
        panel("Worker endpoints by breaker state", "short",
              [("sum by (model, state) (goldilocks_model_endpoints)", "{{model}}: {{state}}")]),
        panel("Dispatch retries", "reqps",
              [(rate("goldilocks_dispatch_retries_total", "", "model, reason"), "{{model}}: {{reason}}")]),
        panel("Adaptive concurrency limit per model", "short",
              [("sum by (model) (goldilocks_model_concurrency_limit)", "{{model}}")]),
    ], [variable("model", "Model", "label_values(goldilocks_requests_total, model)"),
        variable("domain", "Domain", "label_values(goldilocks_requests_total, domain)")])


def workers():
    sel = 'model=~"$model"'
    return dashboard("goldilocks-workers", "Goldilocks / Workers",
                     "The model servers, in the vocabulary of Triton and vLLM: queues, batches, token latency.", [
        row("Queues"),
        panel("Queue length", "short", [(f"sum by (model) (goldilocks_worker_queue_length{{{sel}}})", "{{model}}")],
              "Requests waiting for the model; what the worker HPAs scale on."),
        panel("Queue time", "s", quantiles("goldilocks_worker_queue_seconds", sel, "model")),
        panel("Sequences in flight", "short",
              [(f"sum by (model) (goldilocks_worker_sequences_in_flight{{{sel}}})", "{{model}}")],
              "Requests computing on the model (decoding together in its continuous batch)."),
        panel("Requests by outcome", "reqps",
              [(rate("goldilocks_worker_requests_total", sel, "model, outcome"), "{{model}}: {{outcome}}")]),
        row("Batching"),
        panel("Batch size distribution", "short",
              [(f"sum by (le) (increase(goldilocks_worker_batch_size_bucket{{{sel}}}[{RI}]))", "{{le}}")],
              "Requests per model call: sequences per decoding step (generate), requests per batch "
              "(score, embed). A distribution stuck at 1 under load means the model is not batching.",
              kind="heatmap", options={"calculate": False, "yAxis": {"unit": "short"}}),
        panel("Mean batch size", "short", [
            (f"sum by (model, rpc) (rate(goldilocks_worker_batch_size_sum{{{sel}}}[{RI}]))"
             f" / sum by (model, rpc) (rate(goldilocks_worker_batch_size_count{{{sel}}}[{RI}]))",
             "{{model}} {{rpc}}")],
              "Triton's inference count over execution count."),
        row("Generation"),
        panel("Time to first token", "s", quantiles("goldilocks_worker_time_to_first_token_seconds", sel, "model")),
        panel("Time per output token", "s", quantiles("goldilocks_worker_time_per_output_token_seconds", sel, "model")),
        panel("Tokens per second", "suffix: tok/s", [
            (rate("goldilocks_worker_generated_tokens_total", sel, "model"), "generated: {{model}}"),
            (rate("goldilocks_worker_prompt_tokens_total", sel, "model"), "prompt: {{model}}")]),
        panel("Compute time (p95)", "s", quantiles("goldilocks_worker_compute_seconds", sel, "model, rpc", (0.95,))),
        row("Models"),
        panel("Device per model", "short", [(f"goldilocks_worker_model_info{{{sel}}}", "{{model}}: {{device}}")],
              "The device each model really runs on (cuda:N, or cpu after a CUDA fallback).",
              kind="table", options={"showHeader": True}),
    ], [variable("model", "Model", "label_values(goldilocks_worker_requests_total, model)")])


def routing():
    sel = f'{CLIENT}, domain=~"$domain"'
    live = "source_model_domain:goldilocks_quality_score:mean1h"
    offline = "model_domain:goldilocks_quality_score:offline"
    return dashboard("goldilocks-routing", "Goldilocks / Routing and tradeoff",
                     "Generic or specialist? Where requests go, what they cost, and the quality each model "
                     "delivers per domain, live (probes, shadow, feedback) beside the offline held-out figure.", [
        row("Routing"),
        panel("Domain mix", "reqps", [(rate("goldilocks_requests_total", sel, "domain"), "{{domain}}")],
              "Client requests by the domain the router assigned (or the client hinted).",
              fieldConfig={"defaults": {"unit": "reqps", "custom": {"stacking": {"mode": "percent"}}},
                           "overrides": []}),
        panel("Decisions per policy and model", "reqps",
              [(rate("goldilocks_requests_total", sel, "policy, model"), "{{policy}}: {{model}}")]),
        panel("Fallback rate by domain", "percentunit",
              [(ratio("goldilocks_requests_total", f'{sel}, fallback="true"', sel, "domain"), "{{domain}}")],
              "Requests the generic model answered because the specialist could not."),
        panel("Cascade escalation rate by domain", "percentunit",
              [(ratio("goldilocks_requests_total", f'{sel}, policy="cascade", model="generic"',
                      f'{sel}, policy="cascade"', "domain"), "{{domain}}")],
              "Cascade requests whose specialist answer was not confident enough, so the generic model "
              "(named \"generic\") answered."),
        row("Cost"),
        panel("Cost per request by domain and policy", "currencyUSD", [
            (f"{rate('goldilocks_request_cost_usd_total', sel, 'domain, policy')}"
             f" / {rate('goldilocks_requests_total', sel + ', outcome=' + chr(34) + 'ok' + chr(34), 'domain, policy')}",
             "{{domain}}: {{policy}}")]),
        panel("Spend per second by model", "currencyUSD",
              [(rate("goldilocks_model_cost_usd_total", 'domain=~"$domain"', "model"), "{{model}}")],
              "Every model call, a cascade's and a fallback's first calls included."),
        panel("Tokens per second by model", "suffix: tok/s",
              [(rate("goldilocks_model_tokens_total", 'domain=~"$domain"', "model, kind"), "{{model}}: {{kind}}")]),
        row("Quality: generic or specialist? (hourly recording rules; the offline figure is models/manifest.json's)"),
        panel("Specialist minus generic on its domain", "percentunit", [
            (f'{live}{{source="probe", model!="generic", domain=~"$domain"}} - on (source, domain) group_left () '
             f'{live}{{source="probe", model="generic", domain=~"$domain"}}', "{{model}} live (probes)"),
            (f'{offline}{{model!="generic", domain=~"$domain"}} - on (domain) group_left () '
             f'{offline}{{model="generic", domain=~"$domain"}}', "{{model}} offline (held-out)")],
              "Above zero the specialist beats the generic model on its own domain. Probes run both on "
              "the same held-out items; the offline line is the same comparison at training time."),
        panel("Quality per model and domain: probes and offline", "percentunit", [
            (f'{live}{{source="probe", domain=~"$domain"}}', "{{model}} on {{domain}} (probes)"),
            (f'{offline}{{domain=~"$domain"}}', "{{model}} on {{domain}} (offline)")],
              "Exact match (math) or chrF (code, legal, prose) in [0, 1]."),
        panel("Quality by source", "percentunit",
              [(f'{live}{{domain=~"$domain"}}', "{{model}} on {{domain}}: {{source}}")],
              "probe: held-out items; shadow: the served answer's win rate against the alternative; "
              "feedback: clients' scores."),
        panel("Probe quality: 95% interval half-width", "percentunit",
              [(f'source_model_domain:goldilocks_quality_score:ci95_halfwidth1h{{source="probe", domain=~"$domain"}}',
                "{{model}} on {{domain}}")],
              "Conservative (Bhatia-Davis) normal interval; two models differ when their intervals do not overlap."),
        panel("Shadow: share of comparisons the served answer won", "percentunit",
              [(f'domain_served_alternative:goldilocks_shadow_wins:ratio_rate1h{{domain=~"$domain"}}',
                "{{domain}}: {{served}} over {{alternative}}")],
              "Judged by the generic model's log-likelihood per byte of each answer; a tie counts half."),
        panel("Shadow judge delta (served minus alternative)", "suffix: nats/B", [
            (f'sum by (domain, served) (rate(goldilocks_shadow_judge_delta_sum{{domain=~"$domain"}}[{RI}]))'
             f' / sum by (domain, served) (rate(goldilocks_shadow_judge_delta_count{{domain=~"$domain"}}[{RI}]))',
             "{{domain}}: {{served}}")]),
        panel("Feedback score by model", "percentunit",
              [(f'{live}{{source="feedback", domain=~"$domain"}}', "{{model}} on {{domain}}")]),
        panel("Probe reference log-likelihood per byte", "suffix: nats/B",
              [(f'model_domain:goldilocks_probe_loglik_per_byte:mean1h{{domain=~"$domain"}}', "{{model}} on {{domain}}")],
              "Higher is better; comparable across models that share a tokenizer or not, since it is per byte."),
        row("Classifier (drift)"),
        panel("Classifier confidence", "percent",
              quantiles("goldilocks_classifier_confidence_percent", 'domain=~"$domain"', "domain, tier",
                        (0.1, 0.5)),
              "The calibrated confidence of the domain classifier on client prompts, per domain and tier "
              "(lexical or embedding); falling quantiles mean traffic is moving away from what the router knows."),
        panel("Share of prompts that fit no domain well", "percentunit",
              [(ratio("goldilocks_classifier_predictions_total", 'domain=~"$domain", outcome="uncertain"',
                      'domain=~"$domain"', "domain"), "{{domain}}")],
              "Low top score or close top two: the route says uncertain, and the threshold policy sends them "
              "to the generic model."),
    ], [variable("domain", "Domain", "label_values(goldilocks_requests_total, domain)")])


def experiments():
    sel = f'{CLIENT}, arm=~"$arm"'
    return dashboard("goldilocks-experiments", "Goldilocks / Experiments",
                     "Per arm of an A/B test between routing policies. An arm is a policy; requests outside any "
                     "experiment carry arm=\"none\". The statistical verdict (confidence sequences, sample ratio "
                     "check) is in the experiment report (./goldilocks report).", [
        row("Per arm"),
        panel("Requests per arm", "reqps", [(rate("goldilocks_requests_total", sel, "arm"), "{{arm}}")],
              "Compare with the configured split: a lasting difference is a sample ratio mismatch."),
        panel("Server error ratio per arm", "percentunit",
              [(ratio("goldilocks_requests_total", f"{sel}, {SERVER_ERRORS}", sel, "arm"), "{{arm}}")]),
        panel("Cost per request per arm", "currencyUSD", [
            (f"{rate('goldilocks_request_cost_usd_total', sel, 'arm')}"
             f" / {rate('goldilocks_requests_total', sel + ', outcome=' + chr(34) + 'ok' + chr(34), 'arm')}",
             "{{arm}}")]),
        panel("Quality per arm and source", "percentunit", [
            (f'sum by (arm, source) (rate(goldilocks_quality_score_sum{{arm=~"$arm"}}[{RI}]))'
             f' / sum by (arm, source) (rate(goldilocks_quality_score_count{{arm=~"$arm"}}[{RI}]))',
             "{{arm}}: {{source}}")]),
        panel("Duration by policy (p95)", "s",
              quantiles("goldilocks_request_seconds", CLIENT, "policy", (0.95,)),
              "Latency histograms carry the policy, which is what an arm runs."),
        panel("Fallback share per arm", "percentunit",
              [(ratio("goldilocks_requests_total", f'{sel}, fallback="true"', sel, "arm"), "{{arm}}")]),
    ], [variable("arm", "Arm", "label_values(goldilocks_requests_total, arm)")])


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dashboards")
    os.makedirs(out, exist_ok=True)
    for name, board in [("overview", overview()), ("workers", workers()), ("routing", routing()),
                        ("experiments", experiments())]:
        with open(os.path.join(out, f"goldilocks-{name}.json"), "w") as f:
            json.dump(board, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
