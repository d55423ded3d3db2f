#!/usr/bin/env bash
# A private Postfix instance on a loopback port, for our client to talk to a real MTA.
#   postfix.sh start DIR PORT   configure and start it (config, queue and certificate under DIR)
#   postfix.sh stop DIR
# It accepts mail for root@example.test and discards it; it rejects a sender in invalid.test, a
# sender that is not fully qualified, and unknown users; it offers STARTTLS. It never asks DNS and
# never delivers anywhere.
set -euo pipefail
action=$1
dir=$2
case "$action" in
    start)
        port=$3
        mkdir -p "$dir/queue" "$dir/data"
        chmod 755 "$dir"
        chown postfix "$dir/data"
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" -days 2 \
            -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
        printf '%s\n' '/^root@example\.test$/ OK' \
            '/./ 550 5.1.1 User unknown in local recipient table' \
            > "$dir/recipients.regexp"
        sed -E "s/^smtp +inet .*/127.0.0.1:$port inet n - n - - smtpd/" /etc/postfix/master.cf > "$dir/master.cf"
        cat > "$dir/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix.example.test
mydomain = example.test
mydestination = example.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps = proxy:unix:passwd.byname
local_transport = discard:
default_transport = discard:
relay_transport = discard:
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
smtpd_delay_reject = no
# Postfix slows down a client past 10 errors (1 s an error); the replies are the same without it.
smtpd_error_sleep_time = 0s
smtpd_sender_restrictions = reject_non_fqdn_sender, check_sender_access inline:{ {invalid.test=REJECT Sender domain invalid.test is not allowed} }
smtpd_relay_restrictions = check_recipient_access regexp:$dir/recipients.regexp, reject
smtpd_tls_cert_file = $dir/cert.pem
smtpd_tls_key_file = $dir/key.pem
smtpd_tls_security_level = may
# As Debian writes it into /etc/postfix/main.cf (the compiled-in default lacks "(Debian/GNU)").
smtpd_banner = \$myhostname ESMTP \$mail_name (Debian/GNU)
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
CONF
        postfix -c "$dir" check
        postfix -c "$dir" start
        ;;
    stop)
        postfix -c "$dir" stop || true
        ;;
    *)
        echo "usage: postfix.sh start DIR PORT | stop DIR" >&2
        exit 2
        ;;
esac
