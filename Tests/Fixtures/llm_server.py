#!/usr/bin/env python3
"""A loopback stand-in for the Anthropic Messages and OpenAI chat-completions APIs (tests only).

It answers rtb-verify's trading prompts with a fixed, deterministic policy, counts requests and
tokens (GET /stats), and injects scripted faults by request number (1-based):
  --fault 429@3,500@5,invalid@7,truncated@9,hang@11
429 and 500 carry `retry-after: 0`; `invalid` answers text that is not the asked JSON;
`truncated` promises more bytes than it sends and closes; `hang` never answers.
--change N makes the N-th request's decision differ from the fixed policy (replay --live).
--known-models a,b answers 404 for any other model. --delay S holds every answer S seconds (so
that concurrent calls overlap). A prompt with "decisions" (a batch) is answered with an array.
--gather N holds each of the first N requests until N are in flight at once (at most 10 s), so
that a concurrent client's overlap is certain rather than a matter of timing.
GET /stats also reports the most requests in flight at once and the batched requests.
The first line on stdout is the port.
"""
import argparse
import json
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def decide(prompt):
    kind = prompt["decision"]
    if kind == "auction_bid":
        c, p = prompt["campaign"], prompt["product"]
        if c["max_cpm_micros"] < p["floor_cpm_micros"]:
            return {"bid": False}
        return {"bid": True, "cpm_micros": min(c["max_cpm_micros"], p["floor_cpm_micros"] * 12 // 10)}
    if kind == "open_traffic_bid":
        return {"cents": prompt["campaign"]["target_cpm_micros"] // 10000}
    if kind == "rfp_targets":
        ranked = sorted(prompt["candidates"], key=lambda c: (-c["reputation_permille"], c["product"]["product"]))
        return {"products": [c["product"]["product"] for c in ranked[:3]]}
    if kind == "quote":
        p = prompt["product"]
        if prompt["buyer_max_cpm_micros"] < p["floor_cpm_micros"] or prompt["available_impressions"] <= 0:
            return {"quote": False}
        return {"quote": True, "cpm_micros": min(p["floor_cpm_micros"] * 11 // 10, prompt["buyer_max_cpm_micros"]),
                "impressions": min(prompt["requested_impressions"], prompt["available_impressions"]),
                "deal_type": "PD"}
    if kind == "rank_offers":
        top = prompt["campaign"]["max_cpm_micros"]
        offers = sorted((o for o in prompt["offers"] if o["cpm_micros"] <= top), key=lambda o: (o["cpm_micros"], o["negotiation"]))
        return {"negotiations": [o["negotiation"] for o in offers]}
    if kind == "accept_threshold":
        return {"cpm_micros": prompt["campaign"]["target_cpm_micros"]}
    if kind == "accept_counter":
        return {"accept": prompt["counter_cpm_micros"] >= prompt["product"]["floor_cpm_micros"]}
    if kind == "direct_ask":
        return {"cents": prompt["product"]["floor_cpm_micros"] * 11 // 10 // 10000}
    raise ValueError(kind)


def changed(answer):
    """A different but valid answer."""
    for key, value in answer.items():
        if isinstance(value, bool):
            answer[key] = not value
            if key == "bid" and not value:
                answer["cpm_micros"] = 1
            return answer
        if isinstance(value, int):
            answer[key] = value + 1
            return answer
    return answer


class State:
    def __init__(self, faults, change, models):
        self.lock = threading.Lock()
        self.requests = 0
        self.answered = 0
        self.input_tokens = 0
        self.output_tokens = 0
        self.faults = faults
        self.change = change
        self.models = models
        self.in_flight = 0
        self.max_in_flight = 0
        self.batched = 0
        self.delay = 0.0
        self.gather = 0
        self.arrived = threading.Condition(self.lock)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # One small write for the headers, one for the body: without this, Nagle's algorithm
        # and the client's delayed ACK add 40 ms to every reply.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def send(self, status, body, extra=None, length=None):
        data = body.encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(length if length is not None else len(data)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def do_GET(self):
        state = self.server.state
        with state.lock:
            stats = {"requests": state.requests, "answered": state.answered,
                     "input_tokens": state.input_tokens, "output_tokens": state.output_tokens,
                     "max_in_flight": state.max_in_flight, "batched": state.batched}
        self.send(200, json.dumps(stats))

    def do_POST(self):
        state = self.server.state
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        anthropic = self.path == "/v1/messages"
        if anthropic:
            system, user = body["system"], body["messages"][0]["content"]
        else:
            system, user = body["messages"][0]["content"], body["messages"][1]["content"]
        with state.lock:
            state.requests += 1
            number = state.requests
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
            if "decisions" in json.loads(user):
                state.batched += 1
            if number <= state.gather:
                state.arrived.notify_all()
                deadline = time.monotonic() + 10  # timing-ok: a bound on the wait, not a measurement
                while state.in_flight < state.gather and time.monotonic() < deadline:  # timing-ok: as above
                    state.arrived.wait(0.1)
        try:
            self.answer(state, body, anthropic, system, user, number)
        finally:
            with state.lock:
                state.in_flight -= 1

    def answer(self, state, body, anthropic, system, user, number):
        fault = state.faults.get(number)
        if fault == "hang":
            time.sleep(3600)  # timing-ok: a scripted request that never answers; the client's timeout ends it
            return
        if state.models and body["model"] not in state.models:
            return self.send(404, json.dumps({"error": {"message": f"model {body['model']} not found"}}))
        if fault in ("429", "500"):
            return self.send(int(fault), json.dumps({"error": {"message": "scripted " + fault}}), {"retry-after": "0"})
        prompt = json.loads(user)
        if "decisions" in prompt:
            answer = [decide(item) for item in prompt["decisions"]]
            if number == state.change:
                answer[0] = changed(answer[0])
        else:
            answer = decide(prompt)
            if number == state.change:
                answer = changed(answer)
        if state.delay:
            time.sleep(state.delay)  # timing-ok: a scripted slow server, so that calls overlap; no test measures time
        text = "I would rather not say." if fault == "invalid" else json.dumps(answer)
        input_tokens = (len(system) + len(user)) // 4 + 1
        output_tokens = len(text) // 4 + 1
        if anthropic:
            reply = {"id": f"msg_{number}", "type": "message", "role": "assistant", "model": body["model"],
                     "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
                     "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens}}
        else:
            reply = {"id": f"chatcmpl-{number}", "object": "chat.completion", "model": body["model"],
                     "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                     "usage": {"prompt_tokens": input_tokens, "completion_tokens": output_tokens,
                               "total_tokens": input_tokens + output_tokens}}
        encoded = json.dumps(reply)
        if fault == "truncated":
            self.send(200, encoded[: len(encoded) // 2], length=len(encoded))
            self.close_connection = True
            return
        with state.lock:
            state.answered += 1
            state.input_tokens += input_tokens
            state.output_tokens += output_tokens
        self.send(200, encoded)


def main():
    # A child of a test process may inherit a mask that blocks SIGTERM: unblock it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parser = argparse.ArgumentParser()
    parser.add_argument("--fault", default="")
    parser.add_argument("--change", type=int, default=0)
    parser.add_argument("--known-models", default="")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--gather", type=int, default=0)
    options = parser.parse_args()
    faults = {}
    for item in filter(None, options.fault.split(",")):
        kind, number = item.split("@")
        faults[int(number)] = kind
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.state = State(faults, options.change, set(filter(None, options.known_models.split(","))))
    server.state.delay = options.delay
    server.state.gather = options.gather
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
