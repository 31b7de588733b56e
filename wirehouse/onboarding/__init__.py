"""Onboarding a new outlet: `wirehouse sources add URL` and `wirehouse sources check`."""


class OnboardingError(Exception):
    """Why a site cannot be added: one line, shown as the command's error (exit status 2)."""
