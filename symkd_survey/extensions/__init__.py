"""Extensions: the entry blocks and checks of particular surveys (see :mod:`symkd_survey.core.extension`)."""
