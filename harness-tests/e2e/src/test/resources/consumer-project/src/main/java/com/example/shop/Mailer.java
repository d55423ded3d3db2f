package com.example.shop;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.util.Properties;

/** The shop's mail: a welcome with a confirmation link and a login code. */
public final class Mailer {
    private final Session session;

    public Mailer(String host, int port) {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", host);
        properties.setProperty("mail.smtp.port", Integer.toString(port));
        properties.setProperty("mail.smtp.connectiontimeout", "10000");
        properties.setProperty("mail.smtp.timeout", "10000");
        session = Session.getInstance(properties);
    }

    public void welcome(String email, String token, String code) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("noreply@shop.example"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(email));
        message.setSubject("Welcome to the shop");
        message.setText("Confirm: https://shop.example/confirm?token=" + token + "\nYour code: " + code + "\n", "UTF-8");
        Transport.send(message);
    }
}
