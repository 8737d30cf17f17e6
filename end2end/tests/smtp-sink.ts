// A local SMTP server for specs: just enough of RFC 5321 for the Atrium server to hand over its
// messages, kept in memory so a spec can follow a link it received. It listens on 127.0.0.1 at
// the port the test command gave the server (SMTP_SINK_PORT).
import net from 'node:net';

export interface Mail {
  from: string;
  to: string[];
  data: string;
}

export interface SmtpSink {
  mails: Mail[];
  close: () => Promise<void>;
}

export async function startSmtpSink(port: number): Promise<SmtpSink> {
  const mails: Mail[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let mail: Mail = { from: '', to: [], data: '' };
    socket.write('220 sink.test ESMTP ready\r\n');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let at = buffer.indexOf('\r\n'); at >= 0; at = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            mails.push(mail);
            mail = { from: '', to: [], data: '' };
            socket.write('250 OK queued\r\n');
          } else {
            // Undo the client's dot-stuffing.
            mail.data += (line.startsWith('..') ? line.slice(1) : line) + '\n';
          }
          continue;
        }
        const upper = line.toUpperCase();
        if (upper.startsWith('EHLO') || upper.startsWith('HELO')) socket.write('250 sink.test\r\n');
        else if (upper.startsWith('MAIL FROM:')) {
          mail.from = line.slice(10).trim();
          socket.write('250 OK\r\n');
        } else if (upper.startsWith('RCPT TO:')) {
          mail.to.push(line.slice(8).trim());
          socket.write('250 OK\r\n');
        } else if (upper === 'DATA') {
          inData = true;
          socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
        } else if (upper === 'QUIT') socket.end('221 Bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    mails,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The invitation link in a message (quoted-printable soft line breaks undone). */
export function inviteLink(mail: Mail): string {
  const data = mail.data.replace(/=\n/g, '');
  const match = data.match(/https?:\/\/[^\s"<>]+\/invite\/inv_[A-Za-z0-9_-]{43}/);
  if (!match) throw new Error(`no invitation link in:\n${mail.data}`);
  return match[0];
}
