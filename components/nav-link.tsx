"use client";
// A navigation link that knows when it is the current page (or a page below it), says so to assistive technology
// (aria-current) and looks it.
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

/** `className` always applies; `idleClassName` or `currentClassName` by state, so their colours never compete. */
export function NavLink(props: {
  href: string;
  children: ReactNode;
  className: string;
  idleClassName: string;
  currentClassName: string;
}) {
  const path = usePathname();
  const current = path === props.href || path.startsWith(`${props.href}/`);
  return (
    <Link
      href={props.href}
      aria-current={current ? "page" : undefined}
      className={`${props.className} ${current ? props.currentClassName : props.idleClassName}`}
    >
      {props.children}
    </Link>
  );
}
