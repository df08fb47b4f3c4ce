import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/site-header";
import { env } from "@/lib/platform/env";
import { currentSession } from "@/lib/server/auth/dal";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Anaplan Token Portal", template: "%s · Anaplan Token Portal" },
  description: "Anaplan OAuth tokens for scripts, without passwords in scripts.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await currentSession();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <SiteHeader
          simulator={env().useSimulator}
          user={session ? { name: session.user.name, isPortalAdmin: session.user.isPortalAdmin } : null}
        />
        {children}
      </body>
    </html>
  );
}
