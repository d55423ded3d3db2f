# Helpers the benchmark scripts share; sourced, not run.

# A TCP port free on 127.0.0.1 right now.
free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits (at most 30 s) until something answers 220 on the port.
await_banner() {
    local port=$1
    for _ in $(seq 1 300); do
        if banner=$(timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; head -c 3 <&3" 2>/dev/null) && [ "$banner" = "220" ]; then
            return 0
        fi
        sleep 0.1
    done
    echo "bench: nothing answered on port $port" >&2
    return 1
}
